package escudo.s4.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.cardos.ApplicationId;
import escudo.cardos.CardOs;
import escudo.cardos.CardOsException;
import escudo.cardos.Operation;
import escudo.core.EscudoException;
import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.CardStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S4 application joining a card that already carries another (as S3's cash application, which
 * the demo's card carries, joins it): one platform card OS, one PIN with one try counter for
 * every application, and each application's record untouched by the other's writes.
 */
class CardOsSharedTest {

    private static final ApplicationId CASH = new ApplicationId("escudo.s3");
    private static final byte[] CASH_RECORD = "the cash application's record".getBytes(StandardCharsets.UTF_8);
    private static final String PIN = "2468";

    @TempDir
    Path dir;

    private CardOs os;

    @BeforeEach
    void aCardWithACashApplicationAndItsPin() {
        os = CardOs.create(dir.resolve("card"), CASH, CASH_RECORD);
        try (Operation personalise = os.application(CASH).begin()) {
            personalise.choosePin(PIN);
            personalise.commit(CASH_RECORD);
        }
    }

    @Test
    void theS4ApplicationJoinsUnderTheCardsPinAndLeavesTheOtherRecordAlone() {
        MemberTerminal terminal = new MemberTerminal(SoftwareCard.install(os, CardContract.ISSUER, CardContract.ISSUER_KEY, "Alice", PIN));
        terminal.select();
        terminal.authenticate(CardContract.ISSUER, CardContract.ISSUER_KEY).createDomain("bank", CardContract.BANK_KEY);
        terminal.select();
        assertEquals(java.util.List.of("bank"), terminal.domains());

        CardOs reopened = CardOs.open(dir.resolve("card"));
        assertArrayEquals(CASH_RECORD, reopened.application(CASH).record().orElseThrow(), "the other application's record is as it was");
        assertEquals(java.util.List.of("bank"), openedAgain(reopened).domains(), "and S4's is on the same card");
    }

    @Test
    void aWrongPinThroughS4CostsTheWholeCardATry() {
        MemberTerminal terminal = new MemberTerminal(SoftwareCard.install(os, CardContract.ISSUER, CardContract.ISSUER_KEY, "Alice", PIN));
        terminal.select();
        assertEquals(CardStatus.WRONG_PIN.code(), assertThrows(EscudoException.class, () -> terminal.verifyPin("0000")).code());
        assertEquals(2, os.holder().pinTriesLeft(), "the card OS's one counter, which the cash application reads too");
        terminal.verifyPin(PIN);
        assertEquals(3, os.holder().pinTriesLeft());
    }

    @Test
    void installingNeedsTheCardsPinAndHappensOnce() {
        EscudoException wrong = assertThrows(EscudoException.class,
                () -> SoftwareCard.install(os, CardContract.ISSUER, CardContract.ISSUER_KEY, "Alice", "1357"));
        assertEquals(CardOsException.WRONG_PIN, wrong.code());
        assertEquals(CardOsException.NOT_FOUND, assertThrows(EscudoException.class, () -> SoftwareCard.open(os)).code(),
                "nothing was installed");
        SoftwareCard.install(os, CardContract.ISSUER, CardContract.ISSUER_KEY, "Alice", PIN);
        assertEquals(CardOsException.ALREADY_EXISTS, assertThrows(EscudoException.class,
                () -> SoftwareCard.install(os, CardContract.ISSUER, CardContract.ISSUER_KEY, "Alice", PIN)).code());
    }

    private static MemberTerminal openedAgain(CardOs os) {
        MemberTerminal terminal = new MemberTerminal(SoftwareCard.open(os));
        terminal.select();
        return terminal;
    }
}
