package escudo.s3.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.Text;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.node.http.NodeServer;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The protocol's batch size against the node's request limit: the largest deposit a merchant can
 * be made to send, {@link DepositRequest#MAX_PAYMENTS} payments with every field at its limit,
 * still fits the request body a node accepts, so a deposit never fails for its size alone.
 */
class DepositBatchSizeTest {

    /** The character a text may hold that costs JSON the most bytes, found rather than assumed; text fields must not be blank. */
    private static final char WORST = (char) IntStream.rangeClosed(0, Character.MAX_VALUE)
            .filter(c -> Text.isPlain(String.valueOf((char) c)) && !Character.isWhitespace(c))
            .boxed()
            .max(Comparator.comparingInt(c -> Json.write(String.valueOf((char) c.intValue())).length))
            .orElseThrow().intValue();
    /** The longest instants a millisecond field holds: 30 characters each. */
    private static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);
    private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

    private static String longest(int length) {
        return String.valueOf(WORST).repeat(length);
    }

    private static DepositRequest.Payment maximalPayment() {
        CardKind longestKind = Arrays.stream(CardKind.values()).max(Comparator.comparingInt(k -> k.name().length())).orElseThrow();
        SigningKey userShare = SigningKey.generate();
        CardCertificate card = CardCertificate.issue(longest(64), longest(32), longestKind, "EUR", EARLIEST, LATEST,
                longest(CardCertificate.MAX_CONSTRAINTS), SigningKey.generate().verifyingKey(), userShare.verifyingKey(),
                SigningKey.generate());
        PaymentSpec spec = new PaymentSpec(longest(64), EARLIEST, Money.of(Long.MAX_VALUE, "EUR"), longest(1024), longest(64));
        byte[] signature = userShare.sign(PaymentCertificate.signedBytes(card.cardNumber(), Long.MAX_VALUE, spec));
        return new DepositRequest.Payment(card, new PaymentCertificate(card.cardNumber(), Long.MAX_VALUE, spec, Bytes.of(signature)));
    }

    @Test
    void theWorstCharacterCostsThreeBytesOfJson() {
        assertEquals(5, Json.write(String.valueOf(WORST)).length, "three bytes of UTF-8 and the quotes (control characters, which"
                + " JSON escapes in six, are refused: core.Text)");
    }

    @Test
    void aMaximalBatchOfMaximalPaymentsEncodesBelowTheNodesRequestLimit() {
        DepositRequest.Payment payment = maximalPayment();
        DepositRequest request = DepositRequest.sign(longest(64), LATEST, longest(64),
                Collections.nCopies(DepositRequest.MAX_PAYMENTS, payment), SigningKey.generate());
        byte[] json = Json.write(request);
        int perPayment = Json.write(payment).length;
        System.out.printf("maximal payment: %,d bytes of JSON; maximal deposit of %d: %,d bytes (%.1f %% of the %,d-byte limit)%n",
                perPayment, DepositRequest.MAX_PAYMENTS, json.length, 100.0 * json.length / NodeServer.MAX_PAYLOAD_BYTES,
                NodeServer.MAX_PAYLOAD_BYTES);
        assertTrue(perPayment <= 9_300, "a maximal payment takes " + perPayment + " bytes, more than DepositRequest says");
        assertTrue(json.length <= 930_000, "a maximal deposit takes " + json.length + " bytes, more than DepositRequest says");
        assertTrue(json.length < NodeServer.MAX_PAYLOAD_BYTES, "a maximal deposit takes " + json.length + " bytes");
        assertEquals(request, Json.read(json, DepositRequest.class), "and the bank reads it back exactly");
    }
}
