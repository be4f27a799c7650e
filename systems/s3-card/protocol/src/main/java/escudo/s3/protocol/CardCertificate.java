package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.JointKey;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * CARD-CERT = cert_B(inter, info, P_C, P_U) of seed 003, step 260: the bank's Ed25519 signature
 * over the validity interval, the bank and card identity, currency, card kind, constraints, both
 * public shares and the joint key P = P_C + P_U that verifies the card's payments.
 */
public record CardCertificate(
        String bankId,
        String cardNumber,
        CardKind kind,
        String currency,
        Instant validFrom,
        Instant validUntil,
        String constraints,
        VerifyingKey bankShare,
        VerifyingKey userShare,
        VerifyingKey jointKey,
        Bytes signature) {

    public static final String DOMAIN = "escudo/s3/card-cert/v1";
    /** Bounded like every other text field, so that a deposit of CARD-CERTs has a maximal size (DepositRequest). */
    public static final int MAX_CONSTRAINTS = 128;

    public CardCertificate {
        Fields.text(bankId, "bankId", 64);
        Fields.text(cardNumber, "cardNumber", 32);
        Objects.requireNonNull(kind, "kind");
        if (currency == null || !currency.equals(escudo.core.Money.currency(currency).getCurrencyCode())) {
            throw ProtocolException.malformed("currency must be an ISO 4217 code in capitals, got " + currency);
        }
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        validFrom = Fields.millis(validFrom);
        validUntil = Fields.millis(validUntil);
        if (!validUntil.isAfter(validFrom)) {
            throw ProtocolException.malformed("validUntil must be after validFrom");
        }
        constraints = constraints == null ? "" : constraints;
        if (constraints.length() > MAX_CONSTRAINTS) {
            throw ProtocolException.malformed("constraints are longer than " + MAX_CONSTRAINTS + " characters");
        }
        Objects.requireNonNull(bankShare, "bankShare");
        Objects.requireNonNull(userShare, "userShare");
        Objects.requireNonNull(jointKey, "jointKey");
        signature = Fields.signature(signature, "CARD-CERT signature");
    }

    /** Signs a new CARD-CERT with the bank key; the joint key is computed, never taken on trust. */
    public static CardCertificate issue(String bankId, String cardNumber, CardKind kind, String currency,
            Instant validFrom, Instant validUntil, String constraints,
            VerifyingKey bankShare, VerifyingKey userShare, SigningKey bankKey) {
        VerifyingKey joint = JointKey.combine(userShare, bankShare);
        byte[] signed = signedBytes(bankId, cardNumber, kind, currency, Fields.millis(validFrom), Fields.millis(validUntil),
                constraints == null ? "" : constraints, bankShare, userShare, joint);
        return new CardCertificate(bankId, cardNumber, kind, currency, validFrom, validUntil, constraints,
                bankShare, userShare, joint, Bytes.of(bankKey.sign(signed)));
    }

    /** Rebuilds a CARD-CERT from its signed bytes and signature (the form a card stores and exports). */
    public static CardCertificate decode(byte[] signedBytes, Bytes signature) {
        CanonicalReader r = CanonicalReader.expect(signedBytes, DOMAIN);
        String bankId = r.string();
        String cardNumber = r.string();
        CardKind kind;
        try {
            kind = CardKind.valueOf(r.string());
        } catch (IllegalArgumentException e) {
            throw ProtocolException.malformed("unknown card kind");
        }
        String currency = r.string();
        Instant validFrom = Fields.instant(r);
        Instant validUntil = Fields.instant(r);
        String constraints = r.string();
        VerifyingKey bankShare = VerifyingKey.of(r.bytes());
        VerifyingKey userShare = VerifyingKey.of(r.bytes());
        VerifyingKey jointKey = VerifyingKey.of(r.bytes());
        r.end();
        return new CardCertificate(bankId, cardNumber, kind, currency, validFrom, validUntil, constraints,
                bankShare, userShare, jointKey, signature);
    }

    /** The exact bytes the bank signs (docs/protocol.md, CARD-CERT). */
    public byte[] signedBytes() {
        return signedBytes(bankId, cardNumber, kind, currency, validFrom, validUntil, constraints, bankShare, userShare, jointKey);
    }

    private static byte[] signedBytes(String bankId, String cardNumber, CardKind kind, String currency,
            Instant validFrom, Instant validUntil, String constraints,
            VerifyingKey bankShare, VerifyingKey userShare, VerifyingKey jointKey) {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN)
                .string(bankId).string(cardNumber).string(kind.name()).string(currency);
        Fields.instant(w, validFrom);
        Fields.instant(w, validUntil);
        return w.string(constraints).bytes(bankShare.bytes()).bytes(userShare.bytes()).bytes(jointKey.bytes()).toByteArray();
    }

    /**
     * Seed 003, step 420 (merchant) and step 660 (bank): the bank's signature, the joint key
     * really being P_C + P_U, and the validity interval at {@code now}.
     */
    public void verify(VerifyingKey bankKey, String expectedBankId, Instant now) {
        if (!bankId.equals(expectedBankId)) {
            throw new ProtocolException(ProtocolException.CARD_CERT_FOREIGN,
                    "card " + cardNumber + " was issued by " + bankId + ", not by " + expectedBankId);
        }
        try {
            bankKey.verify(signature.toByteArray(), signedBytes(), "CARD-CERT");
            if (!JointKey.combine(userShare, bankShare).equals(jointKey)) {
                throw new ProtocolException(ProtocolException.CARD_CERT_FORGED, "CARD-CERT joint key is not P_C + P_U");
            }
        } catch (CryptoException e) {
            throw new ProtocolException(ProtocolException.CARD_CERT_FORGED,
                    "CARD-CERT of card " + cardNumber + " is not signed by bank " + expectedBankId);
        }
        checkValidAt(now);
    }

    /** The validity interval alone, for a certificate whose signature is already known good. */
    public void checkValidAt(Instant now) {
        if (now.isBefore(validFrom)) {
            throw new ProtocolException(ProtocolException.CARD_CERT_NOT_YET_VALID,
                    "CARD-CERT of card " + cardNumber + " is valid only from " + validFrom);
        }
        if (!now.isBefore(validUntil)) {
            throw new ProtocolException(ProtocolException.CARD_CERT_EXPIRED,
                    "CARD-CERT of card " + cardNumber + " expired at " + validUntil);
        }
    }

    /** SHA-256 of the signed bytes and signature, hex: a stable id for this certificate. */
    public String fingerprint() {
        return HexFormat.of().formatHex(Digest.sha256(signedBytes(), signature.toByteArray()));
    }
}
