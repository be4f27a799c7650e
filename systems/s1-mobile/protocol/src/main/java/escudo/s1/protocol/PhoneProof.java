package escudo.s1.protocol;

import escudo.core.Bytes;
import escudo.core.Text;
import escudo.crypto.CanonicalWriter;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The phone shows that it holds the key of its certificate (seed 001, S220: the phone "accesses the
 * service providing server" for its transaction history): an ECDSA signature by the certificate's
 * key over a purpose ({@code pending}, {@code decline:<approval id>}) and the time. Knowing a phone
 * number is not enough to read someone's pending approvals. A proof is good for
 * {@link #FRESHNESS} either side of the service's clock; it signs nothing the user approves, so it
 * needs no PIN.
 */
public record PhoneProof(Bytes certificate, String purpose, Instant time, Bytes signature) {

    public static final Duration FRESHNESS = Duration.ofMinutes(2);
    /** The purpose of a proof that asks what waits for the phone. */
    public static final String PENDING = "pending";
    /** The purpose of a proof that opens the phone's push channel. */
    public static final String EVENTS = "events";
    static final String DOMAIN = "escudo/s1/phone-proof/v1";

    public PhoneProof {
        Objects.requireNonNull(certificate, "certificate");
        Text.requireText("purpose", purpose, 80);
        time = time.truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(signature, "signature");
    }

    /** The purpose of a proof that declines {@code approvalId}. */
    public static String decline(String approvalId) {
        return "decline:" + approvalId;
    }

    public static PhoneProof of(X509Certificate certificate, PrivateKey key, String purpose, Instant time) {
        try {
            Signature signer = Signature.getInstance(CertificateProfile.SIGNATURE_ALGORITHM);
            signer.initSign(key);
            signer.update(signed(purpose, time.truncatedTo(ChronoUnit.MILLIS)));
            return new PhoneProof(Bytes.of(certificate.getEncoded()), purpose, time, Bytes.of(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the proof", e);
        }
    }

    /**
     * The certificate, once this proof is for {@code expectedPurpose}, fresh at {@code now},
     * signed by the certificate's key, and the certificate one {@code trust} accepts (chain,
     * validity, profile; revocation is the caller's OCSP check).
     */
    public X509Certificate verify(String expectedPurpose, RelyingParty trust, Instant now) {
        if (!purpose.equals(expectedPurpose)) {
            throw bad("the proof is for another request");
        }
        if (time.isBefore(now.minus(FRESHNESS)) || time.isAfter(now.plus(FRESHNESS))) {
            throw bad("the proof is stale");
        }
        X509Certificate holder = RelyingParty.certificate(certificate.toByteArray());
        trust.verify(holder, now);
        try {
            Signature verifier = Signature.getInstance(CertificateProfile.SIGNATURE_ALGORITHM);
            verifier.initVerify(holder.getPublicKey());
            verifier.update(signed(purpose, time));
            if (!verifier.verify(signature.toByteArray())) {
                throw bad("the proof does not verify under the certificate's key");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof ApprovalException refused) {
                throw refused;
            }
            throw bad("the proof does not verify under the certificate's key");
        }
        return holder;
    }

    private static byte[] signed(String purpose, Instant time) {
        return CanonicalWriter.domain(DOMAIN).string(purpose).i64(time.toEpochMilli()).toByteArray();
    }

    private static ApprovalException bad(String why) {
        return new ApprovalException(ApprovalException.BAD_PROOF, why);
    }
}
