package escudo.s4.protocol;

import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The terminal's line to a card: one command APDU in, one response APDU out (ISO/IEC 7816-3's
 * T=1 exchange as javax.smartcardio models it). The software card, the Java Card applet in
 * jCardSim and, one day, a PC/SC reader are all one.
 */
public interface CardLink extends AutoCloseable {

    ResponseAPDU transmit(CommandAPDU command);

    /** The card is taken out: whatever it held in RAM (the PIN's verification, a session) is gone. */
    @Override
    default void close() {
    }
}
