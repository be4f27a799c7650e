package escudo.s3.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.JointKey;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hands real S3 messages, as their documented fields only, to a verifier written in JavaScript
 * from docs/protocol.md (src/test/resources/independent-verifier.mjs). Node rebuilds the signed
 * bytes itself and checks the Ed25519 signatures with its own crypto (OpenSSL); it never sees the
 * bytes Java signed. The rebuilt bytes must equal {@code signedBytes()} exactly, real messages must
 * verify, and a message with one field changed must not.
 */
class IndependentVerifierTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Instant NOW = Instant.parse("2025-06-01T10:15:30.123Z");

    private final SigningKey bankKey = SigningKey.generate();
    private final KeyShare userShare = KeyShare.generate();
    private final KeyShare bankShare = KeyShare.generate();
    private final JointKey card = JointKey.of(userShare, bankShare);
    private final CardCertificate cert = CardCertificate.issue("escudo-bank", "6099123456789014", CardKind.CASH, "EUR",
            Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z"), "offline-limit=50.00 EUR",
            bankShare.publicShare(), userShare.publicShare(), bankKey);

    @BeforeAll
    static void nodeIsInstalled() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "node does not run");
        } catch (IOException | InterruptedException e) {
            assumeTrue(false, "node is not installed");
        }
    }

    @Test
    void nodeRebuildsTheExactBytesAndVerifiesRealMessages() throws Exception {
        PaymentCertificate coffee = pay(7, new PaymentSpec("merchant-42", NOW, Money.of(1250, "EUR"),
                "2 × café, 1 × 🥐 \"to go\"\n\\ receipt", "order-0001"));
        // values beyond 2^53 and an empty details field
        PaymentCertificate big = pay(9_007_199_254_740_993L, new PaymentSpec("m", Instant.ofEpochMilli(4_102_444_800_000L),
                Money.of(Long.MAX_VALUE, "EUR"), "", "r"));
        cert.verify(bankKey.verifyingKey(), "escudo-bank", NOW);
        coffee.verify(cert);
        big.verify(cert);

        List<Result> results = run(List.of(cardCertJson(cert, bankKey.verifyingKey()), paymentJson(coffee), paymentJson(big)));

        assertEquals(new Result("card-cert", true, "jointKeyIsSum=true", HEX.formatHex(cert.signedBytes())), results.get(0));
        assertEquals(new Result("payment-cert", true, "", HEX.formatHex(coffee.signedBytes())), results.get(1));
        assertEquals(new Result("payment-cert", true, "", HEX.formatHex(big.signedBytes())), results.get(2));
    }

    @Test
    void nodeRejectsAMessageWithOneFieldChanged() throws Exception {
        PaymentCertificate real = pay(8, new PaymentSpec("merchant-42", NOW, Money.of(1250, "EUR"), "espresso", "order-0002"));
        List<PaymentCertificate> altered = List.of(
                new PaymentCertificate(real.cardNumber(), real.serial(), withAmount(real.spec(), 1251), real.signature()),
                new PaymentCertificate(real.cardNumber(), real.serial() + 1, real.spec(), real.signature()),
                new PaymentCertificate(real.cardNumber(), real.serial(), new PaymentSpec("merchant-43", NOW,
                        real.spec().amount(), "espresso", "order-0002"), real.signature()),
                new PaymentCertificate(real.cardNumber(), real.serial(), new PaymentSpec("merchant-42", NOW.plusMillis(1),
                        real.spec().amount(), "espresso", "order-0002"), real.signature()),
                new PaymentCertificate(real.cardNumber(), real.serial(), new PaymentSpec("merchant-42", NOW,
                        real.spec().amount(), "espresso", "order-0003"), real.signature()));
        CardCertificate laterExpiry = new CardCertificate(cert.bankId(), cert.cardNumber(), cert.kind(), cert.currency(),
                cert.validFrom(), cert.validUntil().plusMillis(1), cert.constraints(), cert.bankShare(), cert.userShare(),
                cert.jointKey(), cert.signature());

        List<String> input = new ArrayList<>();
        input.add(paymentJson(real));
        altered.forEach(p -> input.add(paymentJson(p)));
        input.add(cardCertJson(laterExpiry, bankKey.verifyingKey()));
        List<Result> results = run(input);

        assertEquals(new Result("payment-cert", true, "", HEX.formatHex(real.signedBytes())), results.get(0));
        for (int i = 0; i < altered.size(); i++) {
            PaymentCertificate p = altered.get(i);
            assertEquals(new Result("payment-cert", false, "", HEX.formatHex(p.signedBytes())), results.get(i + 1), "altered #" + i);
            ProtocolException e = assertThrows(ProtocolException.class, () -> p.verify(cert));
            assertEquals(ProtocolException.PAYMENT_FORGED, e.code());
        }
        assertEquals(new Result("card-cert", false, "jointKeyIsSum=true", HEX.formatHex(laterExpiry.signedBytes())),
                results.get(results.size() - 1));
    }

    @Test
    void nodeRejectsACardCertWhoseJointKeyIsNotTheSumEvenIfTheBankSignedIt() throws Exception {
        // A bank (buggy or malicious) signs a CARD-CERT whose P is not P_C + P_U: both verifiers refuse it.
        CardCertificate unsigned = new CardCertificate(cert.bankId(), cert.cardNumber(), cert.kind(), cert.currency(),
                cert.validFrom(), cert.validUntil(), cert.constraints(), cert.bankShare(), cert.userShare(),
                userShare.publicShare(), Bytes.of(new byte[64]));
        CardCertificate wrongJoint = new CardCertificate(cert.bankId(), cert.cardNumber(), cert.kind(), cert.currency(),
                cert.validFrom(), cert.validUntil(), cert.constraints(), cert.bankShare(), cert.userShare(),
                userShare.publicShare(), Bytes.of(bankKey.sign(unsigned.signedBytes())));

        List<Result> results = run(List.of(cardCertJson(wrongJoint, bankKey.verifyingKey())));

        assertEquals(new Result("card-cert", false, "jointKeyIsSum=false", HEX.formatHex(wrongJoint.signedBytes())), results.get(0));
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> wrongJoint.verify(bankKey.verifyingKey(), "escudo-bank", NOW));
        assertEquals(ProtocolException.CARD_CERT_FORGED, e.code());
    }

    @Test
    void nodeRejectsACardCertUnderAnotherBankKey() throws Exception {
        List<Result> results = run(List.of(cardCertJson(cert, SigningKey.generate().verifyingKey())));
        assertEquals(new Result("card-cert", false, "jointKeyIsSum=true", HEX.formatHex(cert.signedBytes())), results.get(0));
    }

    private PaymentCertificate pay(long serial, PaymentSpec spec) {
        return new PaymentCertificate(cert.cardNumber(), serial, spec,
                Bytes.of(card.sign(PaymentCertificate.signedBytes(cert.cardNumber(), serial, spec))));
    }

    private static PaymentSpec withAmount(PaymentSpec spec, long minorUnits) {
        return new PaymentSpec(spec.merchantId(), spec.time(), Money.of(minorUnits, spec.amount().currencyCode()),
                spec.details(), spec.reference());
    }

    // ---- the documented fields, as JSON for node (64-bit integers as decimal strings) ----

    private static String cardCertJson(CardCertificate c, VerifyingKey bankPublicKey) {
        return "{" + field("type", "card-cert") + "," + field("bankId", c.bankId()) + "," + field("cardNumber", c.cardNumber())
                + "," + field("kind", c.kind().name()) + "," + field("currency", c.currency())
                + "," + field("validFromMillis", Long.toString(c.validFrom().toEpochMilli()))
                + "," + field("validUntilMillis", Long.toString(c.validUntil().toEpochMilli()))
                + "," + field("constraints", c.constraints())
                + "," + field("bankShare", c.bankShare().hex()) + "," + field("userShare", c.userShare().hex())
                + "," + field("jointKey", c.jointKey().hex())
                + "," + field("bankPublicKey", bankPublicKey.hex()) + "," + field("signature", c.signature().hex()) + "}";
    }

    private String paymentJson(PaymentCertificate p) {
        PaymentSpec s = p.spec();
        return "{" + field("type", "payment-cert") + "," + field("cardNumber", p.cardNumber())
                + "," + field("serial", Long.toString(p.serial())) + "," + field("merchantId", s.merchantId())
                + "," + field("timeMillis", Long.toString(s.time().toEpochMilli()))
                + "," + field("currency", s.amount().currencyCode()) + "," + field("minorUnits", Long.toString(s.amount().minorUnits()))
                + "," + field("details", s.details()) + "," + field("reference", s.reference())
                + "," + field("jointKey", cert.jointKey().hex()) + "," + field("signature", p.signature().hex()) + "}";
    }

    private static String field(String name, String value) {
        StringBuilder out = new StringBuilder("\"").append(name).append("\":\"");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    // ---- running node ----

    record Result(String type, boolean verifies, String extra, String bytesHex) {
    }

    private static List<Result> run(List<String> messages) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(IndependentVerifierTest.class.getResource("/independent-verifier.mjs").toURI());
        Process node = new ProcessBuilder("node", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = node.getOutputStream()) {
            in.write(("[" + String.join(",", messages) + "]").getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, node.waitFor(60, TimeUnit.SECONDS), "node finished");
        assertEquals(0, node.exitValue(), "node exit status; output: " + output);
        List<Result> results = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            String[] parts = line.split(" ");
            String extra = parts.length == 4 ? parts[2] : "";
            results.add(new Result(parts[0], parts[1].equals("verifies=true"), extra,
                    parts[parts.length - 1].substring("bytes=".length())));
        }
        assertEquals(messages.size(), results.size(), "one line per message; output: " + output);
        return results;
    }
}
