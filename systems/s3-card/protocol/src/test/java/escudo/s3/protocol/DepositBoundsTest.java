package escudo.s3.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** What bounds a deposit's size (docs/protocol.md §3.1 and §3.3): so many payments, each of bounded fields. */
class DepositBoundsTest {

    private static final Instant NOW = Instant.parse("2025-03-17T11:59:00Z");
    private static final SigningKey USER = SigningKey.generate();

    private static CardCertificate card(String constraints) {
        return CardCertificate.issue("bank", "6099123456789014", CardKind.CASH, "EUR", NOW, NOW.plus(Duration.ofDays(365)),
                constraints, SigningKey.generate().verifyingKey(), USER.verifyingKey(), SigningKey.generate());
    }

    private static DepositRequest.Payment payment() {
        CardCertificate card = card("");
        PaymentSpec spec = new PaymentSpec("merchant-42", NOW, Money.parse("1.00 EUR"), "", "order-0001");
        Bytes signature = Bytes.of(USER.sign(PaymentCertificate.signedBytes(card.cardNumber(), 1, spec)));
        return new DepositRequest.Payment(card, new PaymentCertificate(card.cardNumber(), 1, spec, signature));
    }

    @Test
    void aCardCertificateCarriesAtMost128CharactersOfConstraints() {
        assertEquals(128, card("x".repeat(CardCertificate.MAX_CONSTRAINTS)).constraints().length());
        ProtocolException e = assertThrows(ProtocolException.class, () -> card("x".repeat(CardCertificate.MAX_CONSTRAINTS + 1)));
        assertEquals(ProtocolException.MALFORMED, e.code());
    }

    @Test
    void aDepositCarriesOneToMaxPayments() {
        SigningKey merchant = SigningKey.generate();
        DepositRequest.Payment payment = payment();
        assertEquals(DepositRequest.MAX_PAYMENTS, DepositRequest.sign("merchant-42", NOW, "n-1",
                Collections.nCopies(DepositRequest.MAX_PAYMENTS, payment), merchant).payments().size());
        for (int count : new int[] {0, DepositRequest.MAX_PAYMENTS + 1}) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> DepositRequest.sign("merchant-42", NOW, "n-2", Collections.nCopies(count, payment), merchant));
            assertEquals(ProtocolException.MALFORMED, e.code(), count + " payments");
        }
    }
}
