package escudo.bench;

import escudo.bank.Bank;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.s4.protocol.P256;
import escudo.s4.server.Sessions;
import escudo.s4.session.Envelope;
import escudo.s4.session.MemberSession;
import escudo.s4.session.MemberState;
import escudo.s4.session.SessionOptions;
import escudo.s4.session.testing.TestCard;
import escudo.s4.session.Order;
import escudo.s4.session.Outcome;
import escudo.s4.session.Part;
import escudo.s4.session.Provider;
import escudo.s4.session.ProviderKeys;
import escudo.s4.session.ReplyTree;
import escudo.s4.session.SessionException;
import escudo.s4.session.Signer;
import escudo.storage.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Seed 004, claims 13-53: the provider's side of S4 sessions for {@code members} members in series
 * (member 1 → participant 2 → … → participant n → provider, each participant combining what
 * reached it with its own part and signing that), against the raw cryptography the same message
 * needs, in the same run.
 *
 * <ul>
 *   <li>{@code providerKeyExchange}, {@code providerTransaction}: {@link Provider} alone, its host a
 *       map (no storage), from the message's bytes to the combined reply's bytes.</li>
 *   <li>{@code bankKeyExchange}, {@code bankTransaction}: the same through {@link Sessions#handle} on
 *       the bank's H2 file (one durable transaction per message: the members' card keys looked up,
 *       their states written, for a transaction each member's ledger transfer to the merchant).</li>
 *   <li>{@code rawKeyExchange}, {@code rawTransaction}: only the signatures and seals such a message
 *       costs the provider (see {@link Raw}).</li>
 * </ul>
 *
 * The members' cards sign and seal outside the timed part (pools made before each iteration, or a
 * fixed set the stateless {@link Provider} can answer again and again). The {@code :members}
 * counter is members served per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class S4SessionBenchmark {

    private static final String BANK = "bench-bank";
    private static final String MERCHANT = "bench-flat";
    private static final Money OPENING = Money.parse("100000000.00 EUR");
    private static final Money SHARE = Money.parse("0.01 EUR");
    private static final int MOST = 10;
    private static final HexFormat HEX = HexFormat.of();

    /** Members served, which JMH reports as a rate beside the messages per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counted {
        public long members;

        @Setup(Level.Iteration)
        public void reset() {
            members = 0;
        }
    }

    /** A member: a customer of the bank with its card key in the JDK (the protocol tests' {@link TestCard}), signing before the timed part. */
    static final class Card implements Signer {
        final String customerId;
        private final TestCard key = new TestCard();

        Card(String customerId) {
            this.customerId = customerId;
        }

        @Override
        public ECPublicKey publicKey() {
            return key.publicKey();
        }

        @Override
        public byte[] sign(byte[] sha256) {
            return key.sign(sha256);
        }

        Order share() {
            return new Order(customerId, SHARE, MERCHANT, "bench");
        }
    }

    /** One message of {@code members} members and their sessions, member 1 first. */
    record Pending(byte[] message, List<MemberSession> sessions) {
    }

    /** Member 1's part alone, then each next member combines the envelope so far with its own part. */
    static Envelope inSeries(List<Part> parts, List<Card> cards) {
        Envelope envelope = new Envelope.Single(parts.getFirst());
        for (int i = 1; i < parts.size(); i++) {
            envelope = Envelope.combine(List.of(envelope), parts.get(i), cards.get(i));
        }
        return envelope;
    }

    /** The reply to each member of a series, member 1 first; anything but a chain of {@code members} nodes fails. */
    static List<Part> replies(ReplyTree tree, int members) {
        Part[] out = new Part[members];
        ReplyTree node = tree;
        for (int i = members - 1; i >= 0; i--) {
            out[i] = node.own();
            if (node.children().size() != (i == 0 ? 0 : 1)) {
                throw new IllegalStateException("the reply is not a series of " + members);
            }
            node = i == 0 ? null : node.children().getFirst();
        }
        return List.of(out);
    }

    static List<MemberSession> sessions(ProviderKeys keys, List<Card> cards) {
        return cards.stream().map(card -> MemberSession.start(keys, card, SessionOptions.DEFAULT, "bench")).toList();
    }

    static Envelope keyExchangeOf(List<MemberSession> sessions, List<Card> cards) {
        return inSeries(sessions.stream().map(MemberSession::request).toList(), cards);
    }

    static void keyed(List<MemberSession> sessions, ReplyTree reply) {
        List<Part> parts = replies(reply, sessions.size());
        for (int i = 0; i < sessions.size(); i++) {
            sessions.get(i).keyed(parts.get(i)); // the provider's signature, the second cryptogram, the challenge answer
        }
    }

    static Envelope transactionOf(List<MemberSession> sessions, List<Card> cards) {
        return inSeries(IntStream.range(0, sessions.size()).mapToObj(i -> sessions.get(i).transaction(cards.get(i).share(), "my share"))
                .toList(), cards);
    }

    /** Each member opens its own outcome (the provider's signature checked on the way): paid, the share. */
    static void requirePaid(List<MemberSession> sessions, ReplyTree reply) {
        List<Part> parts = replies(reply, sessions.size());
        for (int i = 0; i < sessions.size(); i++) {
            Outcome outcome = sessions.get(i).outcome(parts.get(i));
            if (!Outcome.PAID.equals(outcome.status()) || !SHARE.equals(outcome.amount())) {
                throw new IllegalStateException("member " + (i + 1) + " was told " + outcome); // a broken run reports no number
            }
        }
    }

    /** A pool that lasts an iteration at twice the best rate seen, made on both cores before the iteration starts. */
    static final class Pool {
        private final ArrayDeque<Pending> items = new ArrayDeque<>();
        private final Supplier<Pending> make;
        private final ExecutorService workers = Executors.newFixedThreadPool(2);
        private double bestRate;
        private boolean warmup;
        private long startedAt;
        private long madeInIteration;
        private long taken;
        private long takenAtStart;

        Pool(Supplier<Pending> make, double firstGuess) {
            this.make = make;
            this.bestRate = firstGuess;
        }

        void fill(IterationParams iteration) {
            warmup = iteration.getType() == IterationType.WARMUP;
            long wanted = (long) Math.ceil(bestRate * iteration.getTime().convertTo(TimeUnit.MILLISECONDS) / 1000.0 * 2) + 2;
            make((int) Math.max(0, wanted - items.size()));
            startedAt = System.nanoTime();
            madeInIteration = 0;
            takenAtStart = taken;
        }

        /**
         * The next message. A warm-up iteration that runs dry makes more on the spot (its time is
         * left out of the rate; warm-up scores are not reported); a measured one fails the run.
         */
        Pending take() {
            if (items.isEmpty() && warmup) {
                long start = System.nanoTime();
                make(Math.max(16, (int) (bestRate / 4)));
                madeInIteration += System.nanoTime() - start;
            }
            Pending next = items.poll();
            if (next == null) {
                throw new IllegalStateException("the pool ran dry: the provider ran above twice the best rate seen in warm-up");
            }
            taken++;
            return next;
        }

        void observe() {
            double seconds = (System.nanoTime() - startedAt - madeInIteration) / 1e9;
            bestRate = Math.max(bestRate, (taken - takenAtStart) / seconds);
        }

        private void make(int count) {
            if (count == 0) {
                return;
            }
            List<Future<List<Pending>>> halves = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int share = count / 2 + (w == 0 ? count % 2 : 0);
                halves.add(workers.submit(() -> Stream.generate(make).limit(share).toList()));
            }
            try {
                for (Future<List<Pending>> half : halves) {
                    items.addAll(half.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("making the members' messages failed", e.getCause());
            }
        }

        void close() {
            workers.shutdownNow();
        }
    }

    /** The bank on an H2 file, a merchant, and {@value #MOST} customers each with a registered card key. */
    static final class BankParty {
        final Path work;
        final PartyNode node;
        final Bank bank;
        final Sessions sessions;
        final ProviderKeys keys;
        final List<Card> cards = new ArrayList<>();

        BankParty() throws IOException {
            work = Files.createTempDirectory("escudo-bench-s4-");
            Database db = Database.open("jdbc:h2:file:" + work.resolve("bank") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
            node = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0")))
                    .database(db).secrets(Secrets.ephemeral(SigningKey.generate())).start();
            bank = node.service(Bank.class);
            sessions = node.service(Sessions.class);
            keys = sessions.provider().keys();
            bank.openMerchant(MERCHANT, "Bench flat", "EUR", SigningKey.generate().verifyingKey());
            for (int i = 1; i <= MOST; i++) {
                Card card = new Card("member-" + i);
                bank.openCustomer(card.customerId, "Member " + i, OPENING);
                sessions.register(card.customerId, P256.encode(card.publicKey()));
                cards.add(card);
            }
        }

        long storedMembers() {
            return bank.db().inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM s4_session_member", r -> r.getLong(1)).orElseThrow());
        }

        void close() throws IOException {
            node.close();
            WorkDirectory.delete(work);
        }
    }

    /** Key exchange requests of {@code members} members in series, made by their cards before each iteration. */
    @State(Scope.Benchmark)
    public static class KeyExchanges {
        @Param({"1", "3", "10"})
        public int members;

        BankParty party;
        List<Card> cards;
        Pool pool;
        Pending last;
        ReplyTree lastReply;
        long exchanged;

        @Setup(Level.Trial)
        public void start() throws IOException {
            party = new BankParty();
            cards = party.cards.subList(0, members);
            pool = new Pool(() -> {
                List<MemberSession> sessions = sessions(party.keys, cards);
                return new Pending(keyExchangeOf(sessions, cards).encode(), sessions);
            }, 150.0 / members);
        }

        @Setup(Level.Iteration)
        public void fill(IterationParams iteration) {
            pool.fill(iteration);
        }

        /** The last reply of the iteration opens for each of its members, and the bank kept one state per member served. */
        @TearDown(Level.Iteration)
        public void check() {
            pool.observe();
            keyed(last.sessions(), lastReply);
            if (party.storedMembers() != exchanged * members) {
                throw new IllegalStateException("the bank keeps " + party.storedMembers() + " members' states for " + exchanged + " key exchanges");
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            pool.close();
            party.close();
        }
    }

    /**
     * Transactions of {@code members} members in series: before each iteration the members run their
     * key exchange with the bank (through {@link Sessions}, so the bank holds their states) and
     * sign their transactions, each paying {@link #SHARE} to the merchant.
     */
    @State(Scope.Benchmark)
    public static class Transactions {
        @Param({"1", "3", "10"})
        public int members;

        BankParty party;
        List<Card> cards;
        Pool pool;
        final List<Answered> answered = new ArrayList<>();
        long paid;

        record Answered(List<MemberSession> sessions, ReplyTree reply) {
        }

        @Setup(Level.Trial)
        public void start() throws IOException {
            party = new BankParty();
            cards = party.cards.subList(0, members);
            pool = new Pool(() -> {
                List<MemberSession> sessions = sessions(party.keys, cards);
                keyed(sessions, party.sessions.handle(keyExchangeOf(sessions, cards)));
                return new Pending(transactionOf(sessions, cards).encode(), sessions);
            }, 100.0 / members);
        }

        @Setup(Level.Iteration)
        public void fill(IterationParams iteration) {
            pool.fill(iteration);
        }

        /** Every member of every message of the iteration was told it paid, and the ledger moved exactly that. */
        @TearDown(Level.Iteration)
        public void check() {
            pool.observe();
            answered.parallelStream().forEach(a -> requirePaid(a.sessions(), a.reply()));
            paid += answered.size();
            answered.clear();
            Money each = SHARE.times(paid);
            for (Card card : cards) {
                if (!party.bank.customerBalance(card.customerId).equals(OPENING.minus(each))) {
                    throw new IllegalStateException(card.customerId + " has " + party.bank.customerBalance(card.customerId) + " after " + paid + " shares");
                }
            }
            if (!party.bank.merchantBalance(MERCHANT).equals(each.times(members))) {
                throw new IllegalStateException("the merchant has " + party.bank.merchantBalance(MERCHANT) + " after " + paid + " messages");
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            pool.close();
            party.close();
        }
    }

    /** The {@link Provider} with a map for its host: the card keys it knows, the states it gave. */
    static final class InMemory {
        final Provider provider = new Provider(BANK, SigningKey.generate(), Hpke.Recipient.generate());
        final Map<String, String> customers = new HashMap<>();
        final Map<String, MemberState> states = new HashMap<>();
        final List<Card> cards = new ArrayList<>();
        private long ids;

        InMemory(int members) {
            for (int i = 1; i <= members; i++) {
                Card card = new Card("member-" + i);
                customers.put(HEX.formatHex(P256.encode(card.publicKey())), card.customerId);
                cards.add(card);
            }
        }

        /** What {@link Sessions} does per card key, without the SQL. */
        String customerOf(ECPublicKey key) {
            String customer = customers.get(HEX.formatHex(P256.encode(key)));
            if (customer == null) {
                throw new SessionException(SessionException.UNKNOWN_MEMBER, "no such member");
            }
            return customer;
        }

        MemberState state(String transactionId) {
            MemberState state = states.get(transactionId);
            if (state == null) {
                throw new SessionException(SessionException.UNKNOWN_TRANSACTION, "no such transaction");
            }
            return state;
        }

        Provider.Exchange keyExchange(Envelope envelope) {
            return provider.keyExchange(envelope, "ses-" + ++ids, () -> "s4tx-" + ++ids, this::customerOf);
        }

        /** Pays every order, as the bank would when the money is there; the states are not advanced, so the same message passes again. */
        Provider.Exchange transaction(Envelope envelope) {
            return provider.transaction(envelope, this::state, orders -> orders.stream()
                    .map(o -> new Outcome(Outcome.PAID, "", o.order().amount(), "s4:" + o.member().transactionId())).toList());
        }

        /** A key exchange the members check, its states kept, so that transactions can follow. */
        List<MemberSession> keyedSessions() {
            List<MemberSession> sessions = sessions(provider.keys(), cards);
            Provider.Exchange exchange = keyExchange(keyExchangeOf(sessions, cards));
            exchange.states().forEach(s -> states.put(s.transactionId(), s));
            keyed(sessions, exchange.reply());
            return sessions;
        }
    }

    /**
     * The in-memory provider and a few messages it answers in turn (it keeps nothing, so the same
     * message costs it the same each time). Each message's reply is checked once, in the setup.
     */
    @State(Scope.Benchmark)
    public static class Memory {
        @Param({"1", "3", "10"})
        public int members;

        InMemory host;
        final List<byte[]> keyExchanges = new ArrayList<>();
        final List<byte[]> transactions = new ArrayList<>();
        int next;

        @Setup(Level.Trial)
        public void start() {
            host = new InMemory(members);
            for (int i = 0; i < 16; i++) {
                List<MemberSession> sessions = sessions(host.provider.keys(), host.cards);
                Envelope kx = keyExchangeOf(sessions, host.cards);
                keyed(sessions, host.keyExchange(Envelope.decode(kx.encode())).reply());
                keyExchanges.add(kx.encode());
                List<MemberSession> paying = host.keyedSessions();
                Envelope tx = transactionOf(paying, host.cards);
                requirePaid(paying, host.transaction(Envelope.decode(tx.encode())).reply());
                transactions.add(tx.encode());
            }
        }

        byte[] next(List<byte[]> messages) {
            return messages.get(next++ & 15);
        }
    }

    /**
     * Exactly the public-key work the provider does for one message of {@code members} members in
     * series, on the real signatures of such a message:
     * <ul>
     *   <li>key exchange: {@code 2n - 1} ECDSA P-256 verifications (JDK {@code SHA256withECDSA}: each
     *       member's request, each participant's combination), {@code n} HPKE opens (the first
     *       cryptograms) and {@code n} HPKE seals (the second ones, to each member's session key),
     *       {@code 2n} Ed25519 signatures (each reply part and each node of the reply tree);</li>
     *   <li>transaction: the same {@code 2n - 1} verifications and {@code 2n} signatures, and per
     *       member one AES-256-GCM open (its order) and one seal (its outcome).</li>
     * </ul>
     * The signed and verified bytes are those of a real exchange with an in-memory provider; the
     * HPKE and AES-GCM inputs are stand-ins of about the same size (the protocol's bodies are not
     * public), which matters little beside the X25519 and P-256 arithmetic. Keys are decoded once,
     * the JDK verifier is reused: only the primitives are timed.
     */
    @State(Scope.Benchmark)
    public static class Raw {
        static final String FIRST = "escudo/s4/kx/first-cryptogram";
        static final String SECOND = "escudo/s4/kx/second-cryptogram";

        @Param({"1", "3", "10"})
        public int members;

        record Checked(ECPublicKey key, byte[] message, byte[] signature) {
        }

        final List<Checked> kxVerified = new ArrayList<>();
        final List<byte[]> kxSigned = new ArrayList<>();
        final List<Checked> txVerified = new ArrayList<>();
        final List<byte[]> txSigned = new ArrayList<>();
        SigningKey signing;
        Hpke.Recipient sealing;
        final List<byte[]> firsts = new ArrayList<>();
        final List<byte[]> sessionKeys = new ArrayList<>();
        byte[] firstAad;
        byte[] second;
        byte[] secondAad;
        SecretBox box;
        final List<byte[]> orders = new ArrayList<>();
        byte[] txAad;
        byte[] outcome;
        Signature verifier;

        @Setup(Level.Trial)
        public void start() throws GeneralSecurityException {
            InMemory host = new InMemory(members);
            signing = SigningKey.generate();
            sealing = Hpke.Recipient.generate();
            List<MemberSession> sessions = sessions(host.provider.keys(), host.cards);
            Envelope kx = keyExchangeOf(sessions, host.cards);
            Provider.Exchange kxExchange = host.keyExchange(kx);
            kxExchange.states().forEach(s -> host.states.put(s.transactionId(), s));
            keyed(sessions, kxExchange.reply());
            checked(kx, host.cards, members - 1, kxVerified);
            signed(kxExchange.reply(), kxSigned);
            Envelope tx = transactionOf(sessions, host.cards);
            Provider.Exchange txExchange = host.transaction(tx);
            requirePaid(sessions, txExchange.reply());
            checked(tx, host.cards, members - 1, txVerified);
            signed(txExchange.reply(), txSigned);

            // About the sizes of the first cryptogram's contents and associated data, and of the second cryptogram's contents with n - 1 other keys.
            firstAad = new byte[160];
            second = new byte[170 + 69 * (members - 1)];
            secondAad = new byte[140];
            for (int i = 0; i < members; i++) {
                firsts.add(Hpke.seal(sealing.publicKey(), FIRST, firstAad, new byte[70]));
                sessionKeys.add(Hpke.Recipient.generate().publicKey());
            }
            box = SecretBox.derive(new byte[32], new byte[32], "s4/session/member-to-provider");
            txAad = new byte[150];
            for (int i = 0; i < members; i++) {
                orders.add(box.seal(new byte[110], txAad));
            }
            outcome = new byte[60];
            verifier = Signature.getInstance("SHA256withECDSA");
            if (kxVerified.size() != 2 * members - 1 || kxSigned.size() != 2 * members || txVerified.size() != 2 * members - 1
                    || txSigned.size() != 2 * members || verified(kxVerified) != kxVerified.size() || verified(txVerified) != txVerified.size()) {
                throw new IllegalStateException("the baseline does not do what one message of " + members + " members needs");
            }
        }

        /** Each part's card signature and each participant's signature over its combination, as the provider checks them. */
        private static void checked(Envelope envelope, List<Card> cards, int member, List<Checked> out) {
            switch (envelope) {
                case Envelope.Single single -> out.add(new Checked(cards.get(member).publicKey(), single.part().body(), single.part().signature()));
                case Envelope.Combined combined -> {
                    ECPublicKey key = cards.get(member).publicKey();
                    out.add(new Checked(key, combined.own().body(), combined.own().signature()));
                    out.add(new Checked(key, Envelope.Combined.signedBytes(combined.children(), combined.own()), combined.signature()));
                    checked(combined.children().getFirst(), cards, member - 1, out);
                }
            }
        }

        /** What the provider signed: each node's own reply and the node itself. */
        private static void signed(ReplyTree tree, List<byte[]> out) {
            out.add(tree.own().body());
            out.add(ReplyTree.signedBytes(tree.own(), tree.children()));
            tree.children().forEach(child -> signed(child, out));
        }

        int verified(List<Checked> all) throws GeneralSecurityException {
            int valid = 0;
            for (Checked c : all) {
                verifier.initVerify(c.key());
                verifier.update(c.message());
                valid += verifier.verify(c.signature()) ? 1 : 0;
            }
            return valid;
        }
    }

    /**
     * One of each primitive, to say which one the raw figures are made of: a real key exchange
     * request's card signature, a first cryptogram, a second one of three members, a reply part.
     */
    @State(Scope.Benchmark)
    public static class One {
        Raw.Checked request;
        Signature verifier;
        Hpke.Recipient sealing;
        byte[] first;
        byte[] aad = new byte[160];
        byte[] sessionKey;
        byte[] second = new byte[170 + 69 * 2];
        SigningKey signing;
        byte[] reply;

        @Setup(Level.Trial)
        public void start() throws GeneralSecurityException {
            Card card = new Card("member-1");
            sealing = Hpke.Recipient.generate();
            signing = SigningKey.generate();
            Part part = MemberSession.start(new ProviderKeys(BANK, signing.verifyingKey(), sealing.publicKey()), card, SessionOptions.DEFAULT, "bench")
                    .request();
            request = new Raw.Checked(card.publicKey(), part.body(), part.signature());
            verifier = Signature.getInstance("SHA256withECDSA");
            first = Hpke.seal(sealing.publicKey(), Raw.FIRST, aad, new byte[70]);
            sessionKey = Hpke.Recipient.generate().publicKey();
            reply = new byte[part.body().length];
            if (!ecdsaVerify(this)) {
                throw new IllegalStateException("the card's signature does not verify");
            }
        }
    }

    @Benchmark
    public byte[] providerKeyExchange(Memory m, Counted counted) {
        Provider.Exchange exchange = m.host.keyExchange(Envelope.decode(m.next(m.keyExchanges)));
        if (exchange.states().size() != m.members) {
            throw new IllegalStateException(exchange.states().size() + " states for " + m.members + " members");
        }
        counted.members += m.members;
        return exchange.reply().encode();
    }

    @Benchmark
    public byte[] providerTransaction(Memory m, Counted counted) {
        Provider.Exchange exchange = m.host.transaction(Envelope.decode(m.next(m.transactions)));
        if (exchange.states().size() != m.members) {
            throw new IllegalStateException(exchange.states().size() + " states for " + m.members + " members");
        }
        counted.members += m.members;
        return exchange.reply().encode();
    }

    @Benchmark
    public byte[] bankKeyExchange(KeyExchanges k, Counted counted) {
        Pending next = k.pool.take();
        ReplyTree reply = k.party.sessions.handle(Envelope.decode(next.message()));
        k.last = next;
        k.lastReply = reply;
        k.exchanged++;
        counted.members += k.members;
        return reply.encode();
    }

    @Benchmark
    public byte[] bankTransaction(Transactions t, Counted counted) {
        Pending next = t.pool.take();
        ReplyTree reply = t.party.sessions.handle(Envelope.decode(next.message()));
        t.answered.add(new Transactions.Answered(next.sessions(), reply));
        counted.members += t.members;
        return reply.encode();
    }

    @Benchmark
    public int rawKeyExchange(Raw r, Counted counted, Blackhole bh) throws GeneralSecurityException {
        int valid = r.verified(r.kxVerified);
        for (byte[] first : r.firsts) {
            bh.consume(r.sealing.open(first, Raw.FIRST, r.firstAad, "the first cryptogram"));
        }
        for (byte[] sessionKey : r.sessionKeys) {
            bh.consume(Hpke.seal(sessionKey, Raw.SECOND, r.secondAad, r.second));
        }
        for (byte[] message : r.kxSigned) {
            bh.consume(r.signing.sign(message));
        }
        if (valid != r.kxVerified.size()) {
            throw new IllegalStateException("a baseline signature did not verify");
        }
        counted.members += r.members;
        return valid;
    }

    @Benchmark
    public int rawTransaction(Raw r, Counted counted, Blackhole bh) throws GeneralSecurityException {
        int valid = r.verified(r.txVerified);
        for (byte[] order : r.orders) {
            bh.consume(r.box.open(order, r.txAad, "the order"));
            bh.consume(r.box.seal(r.outcome, r.txAad));
        }
        for (byte[] message : r.txSigned) {
            bh.consume(r.signing.sign(message));
        }
        if (valid != r.txVerified.size()) {
            throw new IllegalStateException("a baseline signature did not verify");
        }
        counted.members += r.members;
        return valid;
    }

    // One primitive each, short iterations: they warm up within a second or two and only explain the raw figures.

    @Benchmark
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 3, time = 1)
    public static boolean ecdsaVerify(One o) throws GeneralSecurityException {
        o.verifier.initVerify(o.request.key());
        o.verifier.update(o.request.message());
        return o.verifier.verify(o.request.signature());
    }

    @Benchmark
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 3, time = 1)
    public byte[] hpkeOpen(One o) {
        return o.sealing.open(o.first, Raw.FIRST, o.aad, "the first cryptogram");
    }

    @Benchmark
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 3, time = 1)
    public byte[] hpkeSeal(One o) {
        return Hpke.seal(o.sessionKey, Raw.SECOND, o.aad, o.second);
    }

    @Benchmark
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 3, time = 1)
    public byte[] ed25519Sign(One o) {
        return o.signing.sign(o.reply);
    }

}
