package escudo.s4.terminal;

import escudo.s4.applet.SimulatedCard;
import escudo.s4.protocol.CardLink;

/** {@link CardContract} on the Java Card 3.0.5 applet in jCardSim: its state in the simulated card, never in host files. */
class JavaCardTest extends CardContract {

    @Override
    CardLink issue(String issuerId, byte[] issuerKey, String holder, String pin) {
        return SimulatedCard.issue(issuerId, issuerKey, holder, pin);
    }
}
