package escudo.bench;

import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline for {@link DepositClearingBenchmark}: one thread verifying a standard 64-byte
 * Ed25519 signature over the signed bytes of a real PAYMENT-CERT (the joint signature of seed 003
 * is a stock RFC 8032 signature, so this is exactly the check the bank makes per payment).
 *
 * <ul>
 *   <li>{@link #bouncyCastle}: {@code escudo.crypto.VerifyingKey.verify} on a key decoded once, as
 *       the bank's hot path does it: BouncyCastle's {@code Ed25519.verify}, then the cofactorless
 *       equation, so that every stock verifier accepts what it accepts (issue 13);</li>
 *   <li>{@link #bouncyCastleAlone}: BouncyCastle's {@code Ed25519.verify} alone, the raw rate;</li>
 *   <li>{@link #jdk}: the JDK's own {@code Signature.getInstance("Ed25519")}, for context.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Threads(1)
public class Ed25519VerifyBenchmark {

    /** DER prefix of an X.509 SubjectPublicKeyInfo for an Ed25519 key (RFC 8410), before the 32 key bytes. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private byte[] message;
    private byte[] signature;
    private VerifyingKey bcKey;
    private Ed25519.PublicPoint bcPoint;
    private Signature jdkVerifier;

    @Setup
    public void setUp() throws GeneralSecurityException {
        // The bytes a card signs for a typical payment (docs/protocol.md, PAYMENT-CERT).
        PaymentSpec spec = new PaymentSpec("bench-shop", Instant.now(), Money.parse("4.20 EUR"), "goods",
                "6c0b4f7e-3a1d-4a57-9b0e-2f1c8d5e7a90");
        message = PaymentCertificate.signedBytes("6099123456789012", 4711, spec);
        SigningKey key = SigningKey.generate();
        signature = key.sign(message);
        bcKey = key.verifyingKey();
        bcKey.verify(signature, message, "baseline"); // a bad setup must not produce a number
        bcPoint = Ed25519.validatePublicKeyFullExport(bcKey.bytes(), 0);
        if (!bouncyCastleAlone()) {
            throw new IllegalStateException("BouncyCastle does not accept the signature");
        }

        byte[] der = new byte[X509_PREFIX.length + VerifyingKey.LENGTH];
        System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
        System.arraycopy(bcKey.bytes(), 0, der, X509_PREFIX.length, VerifyingKey.LENGTH);
        PublicKey jdkKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        jdkVerifier = Signature.getInstance("Ed25519");
        jdkVerifier.initVerify(jdkKey);
        if (!jdk()) {
            throw new IllegalStateException("the JDK does not accept the BouncyCastle signature");
        }
    }

    /** Escudo's check: BouncyCastle's and then the cofactorless equation (docs/security.md, strict verification). */
    @Benchmark
    public void bouncyCastle() {
        bcKey.verify(signature, message, "baseline"); // throws on a bad signature, so it cannot be elided
    }

    /** BouncyCastle's own (cofactored) verification on a point decoded once: the raw bound of issue 15. */
    @Benchmark
    public boolean bouncyCastleAlone() {
        return Ed25519.verify(signature, 0, bcPoint, message, 0, message.length);
    }

    @Benchmark
    public boolean jdk() throws GeneralSecurityException {
        jdkVerifier.update(message); // verify() resets the object to its initVerify state
        return jdkVerifier.verify(signature);
    }
}
