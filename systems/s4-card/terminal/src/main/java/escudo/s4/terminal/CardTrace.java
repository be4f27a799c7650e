package escudo.s4.terminal;

import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardStatus;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * A card link that writes each exchange as a card engineer reads it: the command's name, the
 * command APDU and the response in hex, and the status word's meaning. PINs are masked, so a trace
 * can be kept; session keys never appear in APDUs at all.
 */
public final class CardTrace implements CardLink {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(CardCommands.INS_SELECT, "SELECT"), Map.entry(CardCommands.INS_GET_DATA, "GET DATA"),
            Map.entry(CardCommands.INS_VERIFY, "VERIFY"), Map.entry(CardCommands.INS_CHANGE_PIN, "CHANGE REFERENCE DATA"),
            Map.entry(CardCommands.INS_PUT_DATA, "PUT DATA"), Map.entry(CardCommands.INS_INITIALIZE_UPDATE, "INITIALIZE UPDATE"),
            Map.entry(CardCommands.INS_EXTERNAL_AUTHENTICATE, "EXTERNAL AUTHENTICATE"), Map.entry(CardCommands.INS_CREATE_DOMAIN, "CREATE DOMAIN"),
            Map.entry(CardCommands.INS_DELETE_DOMAIN, "DELETE DOMAIN"), Map.entry(CardCommands.INS_RESET_RETRY_COUNTER, "RESET RETRY COUNTER"),
            Map.entry(CardCommands.INS_CREATE_RECORD, "CREATE RECORD"), Map.entry(CardCommands.INS_SET_ACCESS, "SET ACCESS"),
            Map.entry(CardCommands.INS_UPDATE_RECORD, "UPDATE RECORD"), Map.entry(CardCommands.INS_READ_RECORD, "READ RECORD"),
            Map.entry(CardCommands.INS_SIGN, "PSO: COMPUTE DIGITAL SIGNATURE"), Map.entry(CardCommands.INS_AGREE, "AGREE"));
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final CardLink card;
    private final Consumer<String> out;

    public CardTrace(CardLink card, Consumer<String> out) {
        this.card = card;
        this.out = out;
    }

    @Override
    public ResponseAPDU transmit(CommandAPDU command) {
        ResponseAPDU response = card.transmit(command);
        out.accept("> " + NAMES.getOrDefault(command.getINS(), "INS " + HEX.toHexDigits((byte) command.getINS())));
        out.accept("  " + spaced(masked(command)));
        out.accept("< " + spaced(response.getBytes()) + "  " + meaning(response.getSW()));
        return response;
    }

    @Override
    public void close() {
        card.close();
    }

    /** VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER carry PINs: their data is shown as {@code **}. */
    private static byte[] masked(CommandAPDU command) {
        byte[] bytes = command.getBytes();
        int ins = command.getINS();
        if (ins == CardCommands.INS_VERIFY || ins == CardCommands.INS_CHANGE_PIN || ins == CardCommands.INS_RESET_RETRY_COUNTER) {
            for (int i = 5; i < 5 + command.getNc() && i < bytes.length; i++) {
                bytes[i] = (byte) 0xFF;
            }
        }
        return bytes;
    }

    private static String meaning(int sw) {
        try {
            CardStatus status = CardStatus.of(sw);
            return status == CardStatus.DONE ? "done" : status.code().value() + (status == CardStatus.WRONG_PIN ? " (" + (sw & 0x0F) + " left)" : "");
        } catch (RuntimeException unknown) {
            return "unknown status";
        }
    }

    private static String spaced(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            text.append(i == 0 ? "" : " ").append(HEX.toHexDigits(bytes[i]));
        }
        return text.toString();
    }
}
