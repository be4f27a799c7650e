package escudo.bench;

import escudo.bank.Bank;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s1.phone.Phone;
import escudo.s1.phone.ServiceLink;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.server.approval.Approvals;
import escudo.storage.Database;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Seed 001, Flow A's service side (issue 10): signed approvals verified and carried out per
 * second by the bank's {@link Approvals} (CMS signature, PKIX path to the root, an OCSP query to
 * the CA's responder and its answer checked, the ledger transfer and the approval's end in one
 * transaction on an H2 file), against raw ECDSA P-256 verifications per second in the same run
 * ({@link #ecdsaVerify}, the JDK's, which the CMS check uses). The approvals are started and signed
 * by the phone before each iteration, so only the service's work is timed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 10)
@Threads(1)
public class ApprovalBenchmark {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    /** The bank, Alice's enrolled phone and a pool of signed approvals for it. */
    @State(Scope.Benchmark)
    public static class Bank1 {
        Path work;
        PartyNode node;
        Approvals approvals;
        Phone phone;
        BigInteger certificate;
        ServiceLink link;
        final ArrayDeque<Signed> pool = new ArrayDeque<>();
        final Set<String> pooled = new HashSet<>();
        double bestRate = 200;

        record Signed(String approvalId, byte[] cms) {
        }

        @Setup(Level.Trial)
        public void start() throws IOException {
            work = Files.createTempDirectory("escudo-bench-s1-");
            Database db = Database.open("jdbc:h2:file:" + work.resolve("bank") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
            node = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "bench-bank", "escudo.issuer.port", "0",
                    "escudo.s1.approval.seconds", "86400"))).database(db).secrets(Secrets.ephemeral(SigningKey.generate())).start();
            Bank bank = node.service(Bank.class);
            bank.openCustomer("alice", "Alice", Money.parse("100000000.00 EUR"));
            bank.openCustomer("bob", "Bob", Money.parse("1.00 EUR"));
            approvals = node.service(Approvals.class);
            link = new ServiceLink(node.uri());
            phone = Phone.create(work.resolve("phone"), PIN, Clock.systemUTC());
            certificate = Enrol.phone(node, phone, "alice", PHONE, PIN);
        }

        /** Enough started and signed approvals for this iteration at three times the best rate seen. */
        @Setup(Level.Iteration)
        public void fill(IterationParams iteration) {
            long wanted = (long) Math.ceil(bestRate * iteration.getTime().convertTo(TimeUnit.MILLISECONDS) / 1000.0 * 3);
            while (pool.size() < wanted) {
                for (int i = 0; i < 200; i++) {
                    approvals.transfer("alice", PHONE, "bob", Money.parse("0.01 EUR"), "bench");
                }
                for (ApprovalRequest request : phone.pending(link, certificate)) {
                    if (pooled.add(request.approvalId())) { // the phone is shown every open one, also those signed before
                        pool.add(new Signed(request.approvalId(), phone.sign(certificate, request, PIN)));
                    }
                }
            }
            startedAt = System.nanoTime();
            doneAtStart = done;
            measuring = iteration.getType() == IterationType.MEASUREMENT;
        }

        long done;
        long doneAtStart;
        long startedAt;
        boolean measuring;

        @TearDown(Level.Iteration)
        public void rate() {
            bestRate = Math.max(bestRate, (done - doneAtStart) / ((System.nanoTime() - startedAt) / 1e9));
        }

        @TearDown(Level.Trial)
        public void stop() {
            link.close();
            node.close();
        }
    }

    /** A P-256 key and a signature over an approval's worth of bytes: the baseline. */
    @State(Scope.Thread)
    public static class Raw {
        byte[] message = new byte[220];
        byte[] signature;
        Signature verifier;

        @Setup
        public void setUp() throws GeneralSecurityException {
            KeyPair key = CertificateProfile.newKeyPair();
            Signature signer = Signature.getInstance(CertificateProfile.SIGNATURE_ALGORITHM);
            signer.initSign(key.getPrivate());
            signer.update(message);
            signature = signer.sign();
            verifier = Signature.getInstance(CertificateProfile.SIGNATURE_ALGORITHM);
            verifier.initVerify(key.getPublic());
            if (!ecdsaVerify(this)) {
                throw new IllegalStateException("the baseline signature does not verify");
            }
        }
    }

    @Benchmark
    public ApprovalStatus approve(Bank1 b) {
        Bank1.Signed next = b.pool.poll();
        if (next == null) {
            throw new IllegalStateException("the pool ran dry: the rate is above three times the best seen");
        }
        ApprovalStatus status = b.approvals.approve(next.approvalId(), next.cms()).status();
        if (status != ApprovalStatus.DONE) {
            throw new IllegalStateException("an approval was not carried out: " + status); // a broken run reports no number
        }
        b.done++;
        return status;
    }

    @Benchmark
    public static boolean ecdsaVerify(Raw r) throws GeneralSecurityException {
        r.verifier.update(r.message);
        return r.verifier.verify(r.signature);
    }
}
