package escudo.s3.card;

import static escudo.s3.card.TestBank.PIN;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.ProtocolException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaymentTest {

    @TempDir
    Path dir;

    private final TestBank bank = new TestBank();

    @Test
    void paymentCertificateVerifiesUnderTheCertifiedJointKey() throws Exception {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        PaymentSpec spec = bank.spec(1_250, "order-1");
        PaymentCertificate payment = card.pay(spec, PIN);

        CardCertificate cert = card.certificate();
        payment.verify(cert);
        assertEquals(TestBank.CARD_NUMBER, payment.cardNumber());
        assertEquals(spec, payment.spec());

        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initVerify(jdkKey(cert.jointKey()));
        jdk.update(PaymentCertificate.signedBytes(payment.cardNumber(), payment.serial(), spec));
        assertTrue(jdk.verify(payment.signature().toByteArray()), "the JDK's own Ed25519 accepts the joint signature");
    }

    @Test
    void paymentCertificateDoesNotVerifyForAnotherSpecOrSerial() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        PaymentCertificate payment = card.pay(bank.spec(1_250, "order-1"), PIN);
        PaymentCertificate otherAmount = new PaymentCertificate(payment.cardNumber(), payment.serial(),
                bank.spec(9_999, "order-1"), payment.signature());
        PaymentCertificate otherSerial = new PaymentCertificate(payment.cardNumber(), payment.serial() + 1,
                payment.spec(), payment.signature());
        assertThrows(ProtocolException.class, () -> otherAmount.verify(card.certificate()));
        assertThrows(ProtocolException.class, () -> otherSerial.verify(card.certificate()));
    }

    @Test
    void serialIncrementsAndBalanceDecreasesAndBothSurviveReopening() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        assertEquals(1, card.pay(bank.spec(1_000, "a"), PIN).serial());
        assertEquals(2, card.pay(bank.spec(2_500, "b"), PIN).serial());
        assertEquals(6_500, card.status().balance());
        assertEquals(3, card.status().nextSerial());

        Card reopened = bank.open(dir);
        assertEquals(6_500, reopened.status().balance());
        assertEquals(3, reopened.status().nextSerial());
        PaymentCertificate third = reopened.pay(bank.spec(6_500, "c"), PIN);
        assertEquals(3, third.serial());
        third.verify(reopened.certificate());
        assertEquals(0, reopened.status().balance());
    }

    @Test
    void insufficientBalanceChangesNothingAndDoesNotConsumeTheSerial() {
        Card card = bank.issue(dir, CardKind.CASH, 1_000);
        CardException e = assertRefused(CardException.class, CardException.INSUFFICIENT_BALANCE, () -> card.pay(bank.spec(1_001, "big"), PIN));
        assertEquals(Kind.REFUSED, e.kind());
        CardStatus status = bank.open(dir).status();
        assertEquals(1_000, status.balance());
        assertEquals(1, status.nextSerial());
        assertEquals(3, status.pinTriesLeft());
        assertEquals(1, card.pay(bank.spec(1_000, "exact"), PIN).serial());
        assertEquals(0, card.status().balance());
    }

    @Test
    void paymentInAnotherCurrencyIsRefused() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        PaymentSpec dollars = new PaymentSpec("shop-1", bank.now(), Money.of(100, "USD"), "", "usd-1");
        assertRefused(CardException.CURRENCY_MISMATCH, () -> card.pay(dollars, PIN));
        assertEquals(1, card.status().nextSerial());
        assertEquals(10_000, card.status().balance());
    }

    @Test
    void expiredCertificateRefusesToPay() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        card.pay(bank.spec(100, "before"), PIN);
        bank.clock.advance(Duration.ofDays(366));
        CardException e = assertRefused(CardException.class, CardException.EXPIRED, () -> card.pay(bank.spec(100, "after"), PIN));
        assertEquals(Kind.REFUSED, e.kind());
        assertEquals(2, card.status().nextSerial());
        assertEquals(9_900, card.status().balance());
    }

    @Test
    void certificateEndsExactlyAtValidUntil() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        bank.clock.advance(Duration.between(bank.now(), card.status().validUntil()).minusMillis(1));
        card.pay(bank.spec(100, "last-ms"), PIN);
        bank.clock.advance(Duration.ofMillis(1));
        assertRefused(CardException.EXPIRED, () -> card.pay(bank.spec(100, "too-late"), PIN));
    }

    @Test
    void chequeCardCountsChequesNotMoney() {
        Card card = bank.issue(dir, CardKind.CHEQUE, 2);
        PaymentCertificate first = card.pay(bank.spec(500_00, "cheque-1"), PIN);
        first.verify(card.certificate());
        assertEquals(1, card.status().balance());
        assertEquals(2, card.pay(bank.spec(1_000_000_00, "cheque-2"), PIN).serial());
        assertEquals(0, bank.open(dir).status().balance());
        CardException e = assertRefused(CardException.class, CardException.NO_CHEQUES_LEFT, () -> card.pay(bank.spec(1, "cheque-3"), PIN));
        assertEquals(Kind.REFUSED, e.kind());
        assertEquals(3, card.status().nextSerial());
    }

    @Test
    void creditCardSpendsAvailableCredit() {
        Card card = bank.issue(dir, CardKind.CREDIT, 50_000);
        card.pay(bank.spec(20_000, "tv"), PIN).verify(card.certificate());
        assertEquals(30_000, card.status().balance());
        assertRefused(CardException.INSUFFICIENT_BALANCE, () -> card.pay(bank.spec(30_001, "sofa"), PIN));
    }

    @Test
    void merchantReadsTheSameCertificateAfterReopening() {
        Card card = bank.issue(dir, CardKind.CASH, 10_000);
        CardCertificate reopened = bank.open(dir).certificate();
        assertArrayEquals(card.certificate().signedBytes(), reopened.signedBytes());
        assertEquals(card.certificate().signature(), reopened.signature());
        reopened.verify(bank.key.verifyingKey(), TestBank.BANK_ID, bank.now());
    }

    static PublicKey jdkKey(VerifyingKey key) throws Exception {
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] spki = new byte[44];
        System.arraycopy(prefix, 0, spki, 0, 12);
        System.arraycopy(key.bytes(), 0, spki, 12, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
