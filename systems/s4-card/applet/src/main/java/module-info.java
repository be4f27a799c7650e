/**
 * S4: the card OS as a Java Card 3.0.5 applet and the jCardSim card that runs it, one of the two
 * cards behind the S4 protocol. jCardSim (an automatic module) is transitive: the applet is a
 * javacard.framework.Applet. It loads the applet by Class.getMethod("install") and invoke, on a
 * public method of an exported package, so nothing needs opening to it.
 */
module escudo.s4.applet {
    requires transitive escudo.s4.protocol;
    requires transitive jcardsim;

    exports escudo.s4.applet;
}
