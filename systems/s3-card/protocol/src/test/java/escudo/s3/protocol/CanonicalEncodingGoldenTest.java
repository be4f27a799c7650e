package escudo.s3.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.CryptoException;
import escudo.crypto.JointKey;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests: the exact bytes of every S3 signed message for fixed inputs, written out as
 * hex field by field (the hex was computed outside Java, from docs/protocol.md). Any change to an
 * encoding, accidental or not, fails here; a deliberate one needs a new domain tag version and an
 * update of docs/protocol.md. The PAYMENT-CERT vector is the worked example in docs/protocol.md.
 */
class CanonicalEncodingGoldenTest {

    private static final HexFormat HEX = HexFormat.of();

    // fixed keys: the bank key is RFC 8032 test 1; the shares are the scalars 0x0101..01 and 0x0202..02
    private static final SigningKey BANK = SigningKey.fromSeed(HEX.parseHex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    private static final KeyShare USER = KeyShare.fromBytes(HEX.parseHex("01".repeat(32)));
    private static final KeyShare BANK_SHARE = KeyShare.fromBytes(HEX.parseHex("02".repeat(32)));

    private static final String BANK_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String P_U = "130ae82201d7072e6fbfc0a1884fb54636554d14945b799125cf7ce38d477f51";
    private static final String P_C = "179a12fc164f7a2f37dbcb70fb392caba621c9043f1e481c832447dc4f171a4f";
    private static final String P = "a47d1c5386f1e0ad6d1f4e059a58dae483430be3eafce41e879a3b791cac2ea7";

    private static final String CARD = "6099123456789014";
    private static final String CARD_HEX = "00000010" + "36303939313233343536373839303134";
    private static final String EUR_HEX = "00000003" + "455552";

    static final String PAYMENT_CERT_HEX = join(
            "00000019", "65736375646f2f73332f7061796d656e742d636572742f7631", // tag "escudo/s3/payment-cert/v1"
            CARD_HEX,                                                     // cardNumber "6099123456789014"
            "0000000000000007",                                           // ser# 7 (i64)
            "0000000b", "6d65726368616e742d3432",                         // merchantId "merchant-42"
            "0000019593fa5d95",                                           // time 2025-03-14T09:26:53.589Z = 1741944413589 ms
            EUR_HEX,                                                      // amount currency "EUR"
            "00000000000004e2",                                           // amount minor units 1250 (i64)
            "0000000a", "3220c39720636166c3a9",                           // details "2 × café" (10 UTF-8 bytes)
            "0000000a", "6f726465722d30303031");                          // reference "order-0001"

    /** One real joint signature over {@link #PAYMENT_CERT_HEX} (hedged nonces: a new signature differs). */
    static final String PAYMENT_CERT_SIGNATURE = "198bcb3d8e2c2150bb9f6f402a0a67f0b4d4a7375c3466932c0ba6ffe404d3c7"
            + "2cbc0ecc8c7b3be9b8e20ae591ab09b2651469432ba6ea147424f42d4ed63906";

    static final String CARD_CERT_HEX = join(
            "00000016", "65736375646f2f73332f636172642d636572742f7631",   // tag "escudo/s3/card-cert/v1"
            "0000000b", "65736375646f2d62616e6b",                         // bankId "escudo-bank"
            CARD_HEX,                                                     // cardNumber
            "00000004", "43415348",                                       // kind "CASH"
            EUR_HEX,                                                      // currency "EUR"
            "000001941f297c00",                                           // validFrom 2025-01-01T00:00:00Z
            "000001aa263d0000",                                           // validUntil 2028-01-01T00:00:00Z
            "00000000",                                                   // constraints ""
            "00000020", P_C,                                              // bankShare P_C
            "00000020", P_U,                                              // userShare P_U
            "00000020", P);                                               // jointKey P = P_C + P_U

    /** Ed25519 (RFC 8032) is deterministic: the bank's signature over {@link #CARD_CERT_HEX} is fixed. */
    static final String CARD_CERT_SIGNATURE = "22b09898b3a5e6914dca2a7acbd051dbab91dcfb3e3289bf032192cca121dcea"
            + "2eca724a511a8ff27c2e8cdbaf56b6114ed3910b66e16a740ebab4f2d9937200";

    private static final PaymentSpec SPEC = new PaymentSpec("merchant-42", Instant.parse("2025-03-14T09:26:53.589Z"),
            Money.of(1250, "EUR"), "2 × café", "order-0001");

    private static CardCertificate cert() {
        return CardCertificate.issue("escudo-bank", CARD, CardKind.CASH, "EUR", Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"), "", BANK_SHARE.publicShare(), USER.publicShare(), BANK);
    }

    @Test
    void fixedKeysAreWhatTheDocumentSays() {
        assertEquals(BANK_PUBLIC, BANK.verifyingKey().hex());
        assertEquals(P_U, USER.publicShare().hex());
        assertEquals(P_C, BANK_SHARE.publicShare().hex());
        assertEquals(P, JointKey.of(USER, BANK_SHARE).publicKey().hex());
        assertEquals(P, JointKey.combine(USER.publicShare(), BANK_SHARE.publicShare()).hex());
        // (S_U + S_C)·B: 0x0101..01 + 0x0202..02 = 0x0303..03, no carry, below the group order
        assertEquals(P, KeyShare.fromBytes(HEX.parseHex("03".repeat(32))).publicShare().hex());
    }

    @Test
    void paymentCertBytesAreExactlyTheDocumentedLayout() {
        assertEquals(PAYMENT_CERT_HEX, HEX.formatHex(PaymentCertificate.signedBytes(CARD, 7, SPEC)));
        PaymentCertificate cert = new PaymentCertificate(CARD, 7, SPEC, Bytes.ofHex(PAYMENT_CERT_SIGNATURE));
        assertEquals(PAYMENT_CERT_HEX, HEX.formatHex(cert.signedBytes()));
    }

    @Test
    void theDocumentedPaymentCertVerifiesUnderTheJointKeyWithTwoVerifiers() throws Exception {
        PaymentCertificate payment = new PaymentCertificate(CARD, 7, SPEC, Bytes.ofHex(PAYMENT_CERT_SIGNATURE));
        CardCertificate card = cert();
        payment.verify(card);
        assertTrue(jdkVerifies(P, HEX.parseHex(PAYMENT_CERT_HEX), HEX.parseHex(PAYMENT_CERT_SIGNATURE)));
        // and the card signs the same bytes again, under the same key, with a different (hedged) nonce
        byte[] again = JointKey.of(USER, BANK_SHARE).sign(HEX.parseHex(PAYMENT_CERT_HEX));
        VerifyingKey.ofHex(P).verify(again, HEX.parseHex(PAYMENT_CERT_HEX), "PAYMENT-CERT");
    }

    @Test
    void paymentCertEncodingIsTheSameForEquivalentInputs() {
        // the time is signed at millisecond precision; sub-millisecond digits are dropped
        PaymentSpec nanos = new PaymentSpec("merchant-42", Instant.parse("2025-03-14T09:26:53.589999999Z"),
                Money.of(1250, "EUR"), "2 × café", "order-0001");
        assertEquals(PAYMENT_CERT_HEX, HEX.formatHex(PaymentCertificate.signedBytes(CARD, 7, nanos)));
        // details absent is the empty string
        PaymentSpec none = new PaymentSpec("m", Instant.EPOCH, Money.of(1, "EUR"), null, "r");
        assertEquals(join("00000019", "65736375646f2f73332f7061796d656e742d636572742f7631", CARD_HEX,
                        "0000000000000001", "00000001", "6d", "0000000000000000", EUR_HEX, "0000000000000001",
                        "00000000", "00000001", "72"),
                HEX.formatHex(PaymentCertificate.signedBytes(CARD, 1, none)));
    }

    @Test
    void negativeAndLargeIntegersAreTwosComplementBigEndian() {
        PaymentSpec spec = new PaymentSpec("m", Instant.parse("1969-12-31T23:59:59.999Z"),
                Money.of(Long.MAX_VALUE, "EUR"), "", "r");
        assertEquals(join("00000019", "65736375646f2f73332f7061796d656e742d636572742f7631", CARD_HEX,
                        "7fffffffffffffff", "00000001", "6d", "ffffffffffffffff", EUR_HEX, "7fffffffffffffff",
                        "00000000", "00000001", "72"),
                HEX.formatHex(PaymentCertificate.signedBytes(CARD, Long.MAX_VALUE, spec)));
    }

    @Test
    void cardCertBytesAndBankSignatureAreFixed() throws Exception {
        CardCertificate card = cert();
        assertEquals(CARD_CERT_HEX, HEX.formatHex(card.signedBytes()));
        assertEquals(CARD_CERT_SIGNATURE, card.signature().hex());
        assertTrue(jdkVerifies(BANK_PUBLIC, HEX.parseHex(CARD_CERT_HEX), HEX.parseHex(CARD_CERT_SIGNATURE)));
        card.verify(BANK.verifyingKey(), "escudo-bank", Instant.parse("2025-03-14T09:26:53.589Z"));
        // the stored form decodes back to the same certificate
        CardCertificate decoded = CardCertificate.decode(HEX.parseHex(CARD_CERT_HEX), Bytes.ofHex(CARD_CERT_SIGNATURE));
        assertEquals(CARD_CERT_HEX, HEX.formatHex(decoded.signedBytes()));
        assertEquals(card.fingerprint(), decoded.fingerprint());
        assertEquals(card, decoded, "a certificate is a value: equal fields and signature, equal certificates");
    }

    @Test
    void cardCertDecodingIsStrict() {
        Bytes sig = Bytes.ofHex(CARD_CERT_SIGNATURE);
        assertEquals(CryptoException.MALFORMED, assertThrows(CryptoException.class,
                () -> CardCertificate.decode(HEX.parseHex(CARD_CERT_HEX + "00"), sig)).code());
        assertEquals(CryptoException.MALFORMED, assertThrows(CryptoException.class,
                () -> CardCertificate.decode(HEX.parseHex(CARD_CERT_HEX.substring(0, CARD_CERT_HEX.length() - 2)), sig)).code());
        assertEquals(CryptoException.MALFORMED, assertThrows(CryptoException.class,
                () -> CardCertificate.decode(HEX.parseHex(PAYMENT_CERT_HEX), sig)).code());
    }

    @Test
    void withdrawalRequestBytes() {
        byte[] bytes = WithdrawalRequest.signedBytes(CARD, 3, Money.of(2500, "EUR"), Money.of(10000, "EUR"), true,
                Instant.parse("2025-03-15T08:00:00Z"));
        assertEquals(join(
                "0000001f", "65736375646f2f73332f7769746864726177616c2d726571756573742f7631", // "escudo/s3/withdrawal-request/v1"
                CARD_HEX,
                "0000000000000003",                 // seq# 3
                EUR_HEX, "00000000000009c4",        // cardBalance 25.00 EUR
                EUR_HEX, "0000000000002710",        // amount 100.00 EUR
                "01",                               // renew = true (u8)
                "0000019598d12c00"),                // time 2025-03-15T08:00:00Z
                HEX.formatHex(bytes));
    }

    private static final String ACK_HEAD = join(
            "0000001b", "65736375646f2f73332f7769746864726177616c2d61636b2f7631",        // "escudo/s3/withdrawal-ack/v1"
            CARD_HEX,
            "0000000000000003",                     // seq# answered
            EUR_HEX, "0000000000002710",            // amount 100.00 EUR
            EUR_HEX, "00000000000030d4");           // newBalance 125.00 EUR

    @Test
    void withdrawalAckBytesWithoutAndWithRenewal() {
        Instant time = Instant.parse("2025-03-15T08:00:00Z");
        WithdrawalAck plain = WithdrawalAck.sign(CARD, 3, Money.of(10000, "EUR"), Money.of(12500, "EUR"), null, time, BANK);
        assertEquals(ACK_HEAD + "00" + "0000019598d12c00", HEX.formatHex(plain.signedBytes()));
        plain.verify(BANK.verifyingKey());

        WithdrawalAck renewed = WithdrawalAck.sign(CARD, 3, Money.of(10000, "EUR"), Money.of(12500, "EUR"), cert(), time, BANK);
        String cardCertLength = String.format("%08x", CARD_CERT_HEX.length() / 2);
        assertEquals(ACK_HEAD + "01" + cardCertLength + CARD_CERT_HEX + "00000040" + CARD_CERT_SIGNATURE + "0000019598d12c00",
                HEX.formatHex(renewed.signedBytes()));
        renewed.verify(BANK.verifyingKey());
    }

    @Test
    void blacklistIsSignedOverSortedCardNumbers() throws Exception {
        Blacklist list = Blacklist.sign("escudo-bank", Instant.parse("2025-03-16T00:00:00Z"),
                List.of(CARD, "6099000000000002"), BANK);
        assertEquals(List.of("6099000000000002", CARD), list.cardNumbers());
        String bytes = join(
                "00000016", "65736375646f2f73332f626c61636b6c6973742f7631",    // "escudo/s3/blacklist/v1"
                "0000000b", "65736375646f2d62616e6b",                          // bankId
                "000001959c401400",                                            // issuedAt 2025-03-16T00:00:00Z
                "00000002",                                                    // count (u32)
                "00000010", "36303939303030303030303030303032",                // "6099000000000002"
                CARD_HEX);                                                     // "6099123456789014"
        assertTrue(jdkVerifies(BANK_PUBLIC, HEX.parseHex(bytes), list.signature().toByteArray()));
        list.verify(BANK.verifyingKey());
    }

    @Test
    void depositReceiptBytes() throws Exception {
        DepositReceipt receipt = DepositReceipt.sign("escudo-bank", "merchant-42", "n-0001", Instant.parse("2025-03-17T12:00:00Z"),
                List.of(new DepositReceipt.Status(CARD, 7, DepositReceipt.Outcome.CLEARED, Money.of(1250, "EUR"), null, null),
                        new DepositReceipt.Status(CARD, 8, DepositReceipt.Outcome.REFUSED, Money.of(0, "EUR"),
                                "issuer.double-spend", "ser# 8 seen before")), BANK);
        String bytes = join(
                "0000001c", "65736375646f2f73332f6465706f7369742d726563656970742f7631", // "escudo/s3/deposit-receipt/v1"
                "0000000b", "65736375646f2d62616e6b",                                 // bankId
                "0000000b", "6d65726368616e742d3432",                                 // merchantId
                "00000006", "6e2d30303031",                                           // requestNonce "n-0001"
                "00000195a3f99e00",                                                   // time 2025-03-17T12:00:00Z
                "00000002",                                                           // count
                CARD_HEX, "0000000000000007", "00000007", "434c4541524544",           // card, ser# 7, "CLEARED"
                EUR_HEX, "00000000000004e2", "00000000", "00000000",                  // credited 12.50 EUR, code "", detail ""
                CARD_HEX, "0000000000000008", "00000007", "52454655534544",           // card, ser# 8, "REFUSED"
                EUR_HEX, "0000000000000000",                                          // credited 0.00 EUR
                "00000013", "6973737565722e646f75626c652d7370656e64",                 // code "issuer.double-spend"
                "00000012", "736572232038207365656e206265666f7265");                  // detail "ser# 8 seen before"
        assertTrue(jdkVerifies(BANK_PUBLIC, HEX.parseHex(bytes), receipt.signature().toByteArray()));
        receipt.verify(BANK.verifyingKey());
    }

    @Test
    void depositRequestEmbedsEachPairAsLengthPrefixedBytes() throws Exception {
        SigningKey merchant = SigningKey.fromSeed(HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
        PaymentCertificate payment = new PaymentCertificate(CARD, 7, SPEC, Bytes.ofHex(PAYMENT_CERT_SIGNATURE));
        DepositRequest deposit = DepositRequest.sign("merchant-42", Instant.parse("2025-03-17T11:59:00Z"), "n-0001",
                List.of(new DepositRequest.Payment(cert(), payment)), merchant);
        String bytes = join(
                "00000014", "65736375646f2f73332f6465706f7369742f7631",          // "escudo/s3/deposit/v1"
                "0000000b", "6d65726368616e742d3432",                            // merchantId
                "00000195a3f8b3a0",                                              // time 2025-03-17T11:59:00Z
                "00000006", "6e2d30303031",                                      // nonce
                "00000001",                                                      // count
                String.format("%08x", CARD_CERT_HEX.length() / 2), CARD_CERT_HEX, // CARD-CERT signed bytes
                "00000040", CARD_CERT_SIGNATURE,                                 // its bank signature
                String.format("%08x", PAYMENT_CERT_HEX.length() / 2), PAYMENT_CERT_HEX, // PAYMENT-CERT signed bytes
                "00000040", PAYMENT_CERT_SIGNATURE);                             // its joint signature
        assertEquals(bytes, HEX.formatHex(deposit.signedBytes()));
        assertTrue(jdkVerifies(merchant.verifyingKey().hex(), HEX.parseHex(bytes), deposit.signature().toByteArray()));
        deposit.verify(merchant.verifyingKey());
    }

    @Test
    void lengthPrefixesMakeTheEncodingInjective() {
        // moving a character from one text field to the next changes the bytes
        PaymentSpec a = new PaymentSpec("merchant-42", SPEC.time(), SPEC.amount(), "ab", "c");
        PaymentSpec b = new PaymentSpec("merchant-42", SPEC.time(), SPEC.amount(), "a", "bc");
        assertFalse(java.util.Arrays.equals(PaymentCertificate.signedBytes(CARD, 7, a), PaymentCertificate.signedBytes(CARD, 7, b)));
    }

    @Test
    void theWorkedExampleInDocsProtocolMdIsThisVector() throws Exception {
        // Maven runs the tests in the module's directory; the project's docs/ is the nearest one above it.
        java.nio.file.Path doc = null;
        for (java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath(); dir != null && doc == null; dir = dir.getParent()) {
            java.nio.file.Path candidate = dir.resolve("docs").resolve("protocol.md");
            doc = java.nio.file.Files.exists(candidate) ? candidate : null;
        }
        assertTrue(doc != null, "docs/protocol.md is found above " + java.nio.file.Path.of("").toAbsolutePath());
        String text = java.nio.file.Files.readString(doc);
        for (String vector : List.of(PAYMENT_CERT_HEX, PAYMENT_CERT_SIGNATURE, CARD_CERT_HEX, CARD_CERT_SIGNATURE, P_U, P_C, P, BANK_PUBLIC)) {
            assertTrue(text.contains(vector), "docs/protocol.md shows " + vector);
        }
    }

    private static boolean jdkVerifies(String publicKeyHex, byte[] message, byte[] signature) throws Exception {
        byte[] spki = HEX.parseHex("302a300506032b6570032100" + publicKeyHex);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        verifier.update(message);
        return verifier.verify(signature);
    }

    private static String join(String... hex) {
        return String.join("", hex);
    }
}
