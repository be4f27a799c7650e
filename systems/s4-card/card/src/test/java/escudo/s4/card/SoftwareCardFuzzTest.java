package escudo.s4.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.SecureChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever bytes a reader sends, the software card answers a status word of its protocol and never
 * fails; and what a reader without a provider's key sends leaves the provider's record as it was.
 */
class SoftwareCardFuzzTest {

    private static final byte[] ISSUER_KEY = HexFormat.of().parseHex("404142434445464748494a4b4c4d4e4f");
    private static final byte[] BANK_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final CommandAPDU READ_BANK_RECORD = CardCommands.readRecord("bank", 1);
    private static final SoftwareCard CARD = personalised();
    private static final byte[] BANK_RECORD = CARD.transmit(READ_BANK_RECORD).getData();

    static Stream<byte[]> commands() {
        return Stream.of(CardCommands.select(), CardCommands.verify("2468"), CardCommands.getData(CardCommands.DATA_DOMAINS),
                CardCommands.records("bank"), READ_BANK_RECORD, CardCommands.sign("bank", 1, new byte[32]),
                CardCommands.initializeUpdate("bank", new byte[8]), CardCommands.changePin("2468", "1357"),
                CardCommands.updateRecord(false, "bank", 1, new byte[] {9}),
                CardCommands.setAccess(1, new Access(Condition.ALWAYS, Condition.ALWAYS, Condition.ALWAYS))).map(CommandAPDU::getBytes);
    }

    @MethodSource("commands")
    @FuzzTest(maxDuration = "5s")
    void anyApduGetsAStatusWordAndLeavesTheProvidersRecordAsItWas(byte[] apdu) {
        CommandAPDU command;
        try {
            command = new CommandAPDU(apdu);
        } catch (IllegalArgumentException notAnApdu) {
            return; // javax.smartcardio builds no such APDU, so no reader sends it
        }
        CARD.transmit(CardCommands.select());
        ResponseAPDU answer = CARD.transmit(command);
        CardStatus.of(answer.getSW()); // throws for a status word the card does not have
        CARD.transmit(CardCommands.select());
        ResponseAPDU record = CARD.transmit(READ_BANK_RECORD);
        assertEquals(0x9000, record.getSW(), "the bank's record is still there");
        assertArrayEquals(BANK_RECORD, record.getData(), "and unchanged: only the bank's session writes it");
    }

    /** A card with the bank's domain and one record only the bank's session updates or re-conditions. */
    private static SoftwareCard personalised() {
        try {
            SoftwareCard card = SoftwareCard.issue(Files.createTempDirectory("s4-fuzz").resolve("card"), "escudo-bank", ISSUER_KEY, "Alice", "2468");
            card.transmit(CardCommands.select());
            SecureChannel issuer = open(card, "escudo-bank", ISSUER_KEY);
            card.transmit(issuer.wrap(CardCommands.createDomain("bank", issuer.encryptKey(BANK_KEY))));
            SecureChannel bank = open(card, "bank", BANK_KEY);
            card.transmit(bank.wrap(CardCommands.createRecord(1, KeyType.SIGNING, Instrument.DEBIT,
                    new Access(Condition.ALWAYS, Condition.PIN, Condition.PROVIDER), "current account", new byte[] {1, 2, 3})));
            card.transmit(CardCommands.select());
            return card;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SecureChannel open(SoftwareCard card, String domain, byte[] key) {
        byte[] host = new byte[SecureChannel.CHALLENGE_LENGTH];
        byte[] answer = card.transmit(CardCommands.initializeUpdate(domain, host)).getData();
        SecureChannel channel = SecureChannel.derive(key, host, Arrays.copyOf(answer, SecureChannel.CHALLENGE_LENGTH));
        card.transmit(channel.wrap(CardCommands.externalAuthenticate(channel.hostCryptogram())));
        return channel;
    }
}
