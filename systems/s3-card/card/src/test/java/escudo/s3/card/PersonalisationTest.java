package escudo.s3.card;

import static escudo.s3.card.TestBank.CARD_NUMBER;
import static escudo.s3.card.TestBank.PIN;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.cardos.CardOs;
import escudo.core.EscudoException.Kind;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.s3.protocol.BankShare;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonalisationTest {

    @TempDir
    Path dir;

    private final TestBank bank = new TestBank();

    @Test
    void blankCardShowsNoIdentityAndRefusesToPay() {
        Card card = bank.manufacture(dir);
        CardStatus status = card.status();
        assertFalse(status.personalised());
        assertNull(status.cardNumber());
        assertEquals(32, card.transportKey().length);
        assertRefused(CardException.NOT_PERSONALISED, card::certificate);
        assertRefused(CardException.NOT_PERSONALISED, () -> card.pay(bank.spec(100, "r1"), PIN));
    }

    @Test
    void personalisationInstallsCertificateBalanceCountersAndFullPinTries() {
        Card card = bank.manufacture(dir);
        CardCertificate cert = bank.certify(card, CardKind.CASH);
        card.personalise(PIN, cert, bank.seal(card), bank.key.verifyingKey(), 10_000);

        assertArrayEquals(cert.signedBytes(), card.certificate().signedBytes());
        assertEquals(cert.signature(), card.certificate().signature());
        CardStatus status = card.status();
        assertEquals(new CardStatus(CARD_NUMBER, CardKind.CASH, "EUR", 10_000, 1, 1, 3, false, true, cert.validUntil()), status);
        assertEquals(status, bank.open(dir).status(), "personalisation survives reopening");
    }

    @Test
    void transportKeyIsGoneAndSecondPersonalisationIsRefused() {
        Card card = bank.manufacture(dir);
        byte[] sealed = bank.seal(card);
        CardCertificate cert = bank.certify(card, CardKind.CASH);
        card.personalise(PIN, cert, sealed, bank.key.verifyingKey(), 10_000);

        assertRefused(CardException.ALREADY_PERSONALISED, card::transportKey);
        CardException e = assertRefused(CardException.class, CardException.ALREADY_PERSONALISED,
                () -> card.personalise("0000", cert, sealed, bank.key.verifyingKey(), 99_999));
        assertEquals(Kind.CONFLICT, e.kind());
        assertEquals(10_000, bank.open(dir).status().balance());
    }

    @Test
    void pinMustHaveFourToTwelveDigits() {
        Card card = bank.manufacture(dir);
        CardCertificate cert = bank.certify(card, CardKind.CASH);
        byte[] sealed = bank.seal(card);
        for (String pin : new String[] {"123", "1234567890123", "12a4", "", "١٢٣٤", " 1234"}) {
            assertRefused(CardException.BAD_PIN_FORMAT, () -> card.personalise(pin, cert, sealed, bank.key.verifyingKey(), 1));
        }
        assertRefused(CardException.BAD_PIN_FORMAT, () -> card.personalise(null, cert, sealed, bank.key.verifyingKey(), 1));
        card.personalise("123456789012", cert, sealed, bank.key.verifyingKey(), 1);
        assertTrue(card.status().personalised());
    }

    @Test
    void certificateSignedByAnotherBankKeyChangesNothing() throws Exception {
        Card card = bank.manufacture(dir);
        assertMismatchChangesNothing(dir, card, bank.certify(card, CardKind.CASH), bank.seal(card),
                SigningKey.generate().verifyingKey().bytes());
    }

    @Test
    void certificateForAnotherUserShareChangesNothing() throws Exception {
        Card card = bank.manufacture(dir);
        CardCertificate other = bank.certify(KeyShare.generate().publicShare(), bank.sC.publicShare(), CardKind.CASH,
                bank.now().plus(Duration.ofDays(365)));
        assertMismatchChangesNothing(dir, card, other, bank.seal(card), bank.key.verifyingKey().bytes());
    }

    @Test
    void certificateForAnotherBankShareChangesNothing() throws Exception {
        Card card = bank.manufacture(dir);
        CardCertificate other = bank.certify(card.userShare(), KeyShare.generate().publicShare(), CardKind.CASH,
                bank.now().plus(Duration.ofDays(365)));
        assertMismatchChangesNothing(dir, card, other, bank.seal(card), bank.key.verifyingKey().bytes());
    }

    @Test
    void shareSealedForAnotherCardNumberChangesNothing() throws Exception {
        Card card = bank.manufacture(dir);
        byte[] sealedForOther = BankShare.seal(bank.sC, card.transportKey(), "4000-0000-0002");
        assertMismatchChangesNothing(dir, card, bank.certify(card, CardKind.CASH), sealedForOther, bank.key.verifyingKey().bytes());
    }

    @Test
    void shareSealedToAnotherCardsTransportKeyChangesNothing() throws Exception {
        Card card = bank.manufacture(dir);
        Card other = bank.manufacture(dir.resolve("other"));
        assertMismatchChangesNothing(dir, card, bank.certify(card, CardKind.CASH), bank.seal(other), bank.key.verifyingKey().bytes());
    }

    @Test
    void tamperedSealedShareChangesNothing() throws Exception {
        int length = bank.seal(bank.manufacture(dir)).length; // enc (32) || ciphertext || tag (16)
        for (int i : new int[] {0, 31, 32, length - 1}) {
            Card fresh = bank.manufacture(dir.resolve("byte-" + i));
            byte[] tampered = bank.seal(fresh);
            tampered[i] ^= 0x01;
            assertMismatchChangesNothing(dir.resolve("byte-" + i), fresh, bank.certify(fresh, CardKind.CASH), tampered,
                    bank.key.verifyingKey().bytes());
        }
    }

    @Test
    void expiredCertificateChangesNothing() throws Exception {
        Card card = bank.manufacture(dir);
        CardCertificate expired = bank.certify(card.userShare(), bank.sC.publicShare(), CardKind.CASH,
                bank.now().minus(Duration.ofHours(1)));
        assertMismatchChangesNothing(dir, card, expired, bank.seal(card), bank.key.verifyingKey().bytes());
    }

    /** The refused personalisation leaves file and card untouched; the right one still works afterwards. */
    private void assertMismatchChangesNothing(Path cardDir, Card card, CardCertificate cert, byte[] sealed, byte[] bankKey)
            throws Exception {
        Path stateFile = cardDir.resolve(CardOs.STATE_FILE);
        byte[] before = Files.readAllBytes(stateFile);
        byte[] transportKey = card.transportKey();

        CardException e = assertRefused(CardException.class, CardException.PERSONALISATION_MISMATCH,
                () -> card.personalise(PIN, cert, sealed, escudo.crypto.VerifyingKey.of(bankKey), 10_000));
        assertEquals(Kind.UNAUTHENTICATED, e.kind());

        assertArrayEquals(before, Files.readAllBytes(stateFile), "the state file was not rewritten");
        assertFalse(card.status().personalised());
        assertArrayEquals(transportKey, card.transportKey(), "the transport key is kept for the right share");
        card.personalise(PIN, bank.certify(card, CardKind.CASH), bank.seal(card), bank.key.verifyingKey(), 10_000);
        assertTrue(card.status().personalised());
    }
}
