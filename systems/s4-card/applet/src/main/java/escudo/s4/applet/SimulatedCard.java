package escudo.s4.applet;

import com.licel.jcardsim.base.SimulatorRuntime;
import com.licel.jcardsim.smartcardio.CardSimulator;
import com.licel.jcardsim.utils.AIDUtil;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.SecureChannel;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javacard.framework.AID;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The S4 card as a Java Card: {@link CardOsApplet} installed in a jCardSim card, which answers the
 * APDUs of docs/s4-card.md as {@code escudo.s4.card.SoftwareCard} does. The card's state lives in
 * the simulator's memory, never in host files: it lasts as long as this object.
 *
 * <p>A card for tests only: jCardSim's ECDSA draws its nonce from a fresh unseeded SHA1PRNG at
 * every Signature.init, so every signature it makes has the same r, and any two signatures of a
 * record give its private key away. A real card's Signature uses its TRNG.
 */
public final class SimulatedCard implements CardLink {

    static {
        // jCardSim's RandomData is an unseeded SHA1PRNG unless told otherwise: every card would
        // draw the same serial, challenges and keys. A set com.licel.jcardsim.randomdata.seed still wins.
        System.setProperty("com.licel.jcardsim.randomdata.secure", "1");
    }

    /** GlobalPlatform's privilege byte 1, b3: the applet is selected at every reset (Default Selected). */
    private static final byte DEFAULT_SELECTED = 0x04;

    private final CardSimulator simulator;

    private SimulatedCard(CardSimulator simulator) {
        this.simulator = simulator;
    }

    /**
     * Personalisation at the issuer, as {@code SoftwareCard.issue}: a new card with a serial of its
     * own, the issuer's domain ({@code issuerId}, its static AES-128 {@code issuerKey}), the
     * holder's {@code name} and chosen {@code pin}, and no provider yet.
     */
    public static SimulatedCard issue(String issuerId, byte[] issuerKey, String holder, String pin) {
        Objects.requireNonNull(issuerKey, "issuerKey");
        if (issuerId == null || !issuerId.matches("[A-Za-z0-9-]{1,16}")) {
            throw new IllegalArgumentException("a domain id is 1 to 16 letters, digits and dashes");
        }
        byte[] name = holder.getBytes(StandardCharsets.UTF_8);
        if (issuerKey.length != SecureChannel.KEY_LENGTH || name.length > CardCommands.MAX_HOLDER_LENGTH) {
            throw new IllegalArgumentException("an AES-128 issuer key and a holder name of at most 48 bytes");
        }
        if (pin == null || !pin.matches("[0-9]{4,12}")) {
            throw new IllegalArgumentException("a PIN has 4 to 12 digits");
        }
        byte[] install = installData(issuerId, issuerKey, name, pin);
        DefaultSelected runtime = new DefaultSelected();
        CardSimulator simulator = new CardSimulator(runtime);
        AID aid = AIDUtil.create(CardCommands.AID);
        // jCardSim reports each asymmetric algorithm the applet asks for on System.out; a card has no console.
        PrintStream console = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            simulator.installApplet(aid, CardOsApplet.class, install, (short) 0, (byte) install.length);
        } finally {
            System.setOut(console);
        }
        runtime.selectAtReset(aid);
        return new SimulatedCard(simulator);
    }

    /** The install parameters {@link CardOsApplet} reads: Li ‖ AID ‖ Lc ‖ privileges ‖ La ‖ the personalisation. */
    private static byte[] installData(String issuerId, byte[] issuerKey, byte[] holder, String pin) {
        ByteArrayOutputStream personalisation = new ByteArrayOutputStream();
        lengthPrefixed(personalisation, issuerId.getBytes(StandardCharsets.US_ASCII));
        personalisation.writeBytes(issuerKey);
        lengthPrefixed(personalisation, holder);
        lengthPrefixed(personalisation, pin.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream install = new ByteArrayOutputStream();
        lengthPrefixed(install, CardCommands.AID);
        lengthPrefixed(install, new byte[] {DEFAULT_SELECTED});
        lengthPrefixed(install, personalisation.toByteArray());
        return install.toByteArray();
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    @Override
    public synchronized ResponseAPDU transmit(CommandAPDU command) {
        Objects.requireNonNull(command, "command");
        return simulator.transmitCommand(command);
    }

    /** The card is pulled from the reader: a reset clears its RAM (the selection, the PIN's verification, the session). */
    @Override
    public synchronized void close() {
        simulator.reset();
    }

    /**
     * jCardSim's card with the card OS as the default selected applet (GlobalPlatform's privilege):
     * current from every reset on, so a command before any SELECT reaches it (which answers 6985,
     * as SoftwareCard does) rather than jCardSim's "no applet" 6986, and a SELECT of an unknown AID
     * is the applet's to refuse.
     */
    private static final class DefaultSelected extends SimulatorRuntime {
        private AID selectedAtReset;

        void selectAtReset(AID aid) {
            selectedAtReset = aid;
            currentAID = aid;
        }

        @Override
        public void reset() {
            super.reset();
            currentAID = selectedAtReset;
        }
    }
}
