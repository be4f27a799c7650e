package escudo.s4.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.P256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CardContract} on the software secure element, and what only it has: its state sealed in files, across a restart. */
class SoftwareCardTest extends CardContract {

    @TempDir
    Path dir;

    @Override
    CardLink issue(String issuerId, byte[] issuerKey, String holder, String pin) {
        return SoftwareCard.issue(dir.resolve("card"), issuerId, issuerKey, holder, pin);
    }

    @Test
    void theCardOpensAgainFromItsSealedFilesWithItsRecordsAndNoKeyInTheClear() throws Exception {
        ECPublicKey[] keys = twoProviders();
        terminal.close();
        terminal = new MemberTerminal(SoftwareCard.open(dir.resolve("card")));
        terminal.select();
        assertArrayEquals(P256.encode(keys[0]), P256.encode(terminal.read("bank", 1).publicKey()));
        terminal.authenticate("bank", BANK_KEY); // the provider's key survived too
        byte[] sealed = Files.readAllBytes(dir.resolve("card").resolve(escudo.cardos.CardOs.STATE_FILE));
        assertFalse(escudo.testing.TestBytes.indexOf(sealed, BANK_KEY) >= 0, "the provider's key is sealed");
        assertFalse(escudo.testing.TestBytes.indexOf(sealed, "current account".getBytes()) >= 0, "the records are sealed");
    }
}
