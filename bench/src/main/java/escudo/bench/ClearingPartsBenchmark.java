package escudo.bench;

import escudo.core.Bytes;
import escudo.crypto.JointKey;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
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
 * Context for reading {@link DepositClearingBenchmark}: the elliptic-curve work besides the two
 * signature verifications that the bank repeats for every payment of a deposit (see
 * docs/performance.md, "Where the time goes").
 *
 * <ul>
 *   <li>{@link #verifyingKeyOf}: decoding and fully validating one public key
 *       ({@code VerifyingKey.of}); a CARD-CERT carries three, decoded from the JSON request and
 *       again from the bank's card row;</li>
 *   <li>{@link #cardCertificateDecode}: rebuilding a CARD-CERT from its stored bytes, as
 *       {@code CardRegistry} does for each payment;</li>
 *   <li>{@link #jointKeyCombine}: P_U + P_C, recomputed by {@code CardCertificate.verify}.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class ClearingPartsBenchmark {

    private byte[] encodedKey;
    private VerifyingKey userShare;
    private VerifyingKey bankShare;
    private byte[] certBytes;
    private byte[] certSignature;

    @Setup
    public void setUp() {
        encodedKey = SigningKey.generate().verifyingKey().bytes();
        userShare = KeyShare.generate().publicShare();
        bankShare = KeyShare.generate().publicShare();
        Instant now = Instant.now();
        CardCertificate cert = CardCertificate.issue("bench-bank", "6099123456789012", CardKind.CASH, "EUR",
                now, now.plus(Duration.ofDays(365)), "", bankShare, userShare, SigningKey.generate());
        certBytes = cert.signedBytes();
        certSignature = cert.signature().toByteArray();
    }

    @Benchmark
    public VerifyingKey verifyingKeyOf() {
        return VerifyingKey.of(encodedKey);
    }

    @Benchmark
    public CardCertificate cardCertificateDecode() {
        return CardCertificate.decode(certBytes, Bytes.of(certSignature));
    }

    @Benchmark
    public VerifyingKey jointKeyCombine() {
        return JointKey.combine(userShare, bankShare);
    }
}
