package escudo.s4.terminal;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.Fault;
import escudo.node.testing.FaultProxy;
import escudo.node.testing.Resources;
import escudo.node.testing.RestartableParty;
import escudo.s4.applet.SimulatedCard;
import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.P256;
import escudo.s4.session.Envelope;
import escudo.s4.session.SessionOptions;
import escudo.s4.session.Order;
import escudo.s4.session.Outcome;
import escudo.s4.session.Phase;
import escudo.s4.session.ProviderKeys;
import escudo.s4.session.SessionApi;
import escudo.s4.session.SessionException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 004, claims 38-53 over real HTTP: the bank's node as the provider, each member's terminal
 * with its own card (the software secure element or the Java Card applet in jCardSim, part 1) and
 * each hop its own HTTP server; the money moves in the bank's ledger.
 */
class SessionOverHttpTest {

    private static final String BANK = "bank-1";
    private static final byte[] ISSUER_KEY = java.util.HexFormat.of().parseHex("404142434445464748494a4b4c4d4e4f");
    private static final String PIN = "2468";
    /** The card's issuer domain; the bank's provider domain on the card is its own, named by the bank's id. */
    private static final String ISSUER = "card-issuer";
    private static final Access DEBIT = new Access(Condition.ALWAYS, Condition.PIN, Condition.PROVIDER);

    @TempDir
    Path dir;
    private RestartableParty bank;
    private FaultProxy toBank;
    private URI provider;
    private ProviderKeys keys;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() {
        bank = RestartableParty.start(() -> PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0")))
                .database(RestartableParty.durableDatabase(dir.resolve("bank"))).secrets(Secrets.ephemeral(SigningKey.generate())).start());
        toBank = FaultProxy.to(bank::uri);
        provider = toBank.uri().resolve("/issuer/s4/messages");
        for (String merchant : List.of("power-co", "hotel", "rail", "expenses")) {
            bank.desk().post("/issuer/merchants", new BankApi.OpenMerchant(merchant, merchant, "EUR", SigningKey.generate().verifyingKey()),
                    BankApi.Balance.class);
        }
        try (PartyClient anyone = new PartyClient(bank.uri())) {
            keys = anyone.get("/issuer/s4/provider", SessionApi.ProviderInfo.class).keys();
        }
    }

    @AfterEach
    void stop() {
        open.forEach(Resources::closeAll);
        Resources.closeAll(toBank, bank);
    }

    /** A customer of the bank with {@code opening} on a card of that {@code kind}, the bank's record on it, its key registered as a member's. */
    private Member member(String customer, String opening, boolean javaCard, SessionOptions options) {
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer(customer, customer, Money.parse(opening)), BankApi.Balance.class);
        CardLink card = javaCard ? SimulatedCard.issue(ISSUER, ISSUER_KEY, customer, PIN)
                : SoftwareCard.issue(dir.resolve("card-" + customer), ISSUER, ISSUER_KEY, customer, PIN);
        MemberTerminal terminal = new MemberTerminal(card);
        open.add(terminal);
        terminal.select();
        byte[] bankKey = new byte[16];
        new java.security.SecureRandom().nextBytes(bankKey);
        terminal.authenticate(ISSUER, ISSUER_KEY).createDomain(BANK, bankKey);
        terminal.authenticate(BANK, bankKey).createRecord(1, KeyType.SIGNING, Instrument.DEBIT, DEBIT, "current account",
                customer.getBytes(StandardCharsets.UTF_8));
        terminal.select();
        terminal.verifyPin(PIN);
        CardSigner signer = new CardSigner(terminal, BANK, 1);
        bank.desk().post("/issuer/s4/members", new SessionApi.Register(customer, Bytes.of(P256.encode(signer.publicKey()))),
                SessionApi.Registered.class);
        return new Member(keys, signer, options);
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }

    private Money balance(String path) {
        return bank.desk().get("/issuer/" + path, BankApi.Balance.class).balance();
    }

    /** Three flatmates pay one electricity bill in one combined transaction; a fourth, away, only routes. */
    @Test
    void flatmatesPayOneBillInSeriesThroughARouterEachReadingOnlyItsOwnPart() {
        Member alice = member("alice", "100.00 EUR", false, SessionOptions.DEFAULT);
        Member bob = member("bob", "100.00 EUR", true, SessionOptions.DEFAULT);
        Member carol = member("carol", "100.00 EUR", false, SessionOptions.DEFAULT);
        Hop atCarol = opened(Hop.participant(carol, 1, provider));
        Hop atDave = opened(Hop.router(atCarol.uri()));
        Hop atBob = opened(Hop.participant(bob, 1, atDave.uri()));

        alice.send(Phase.KEY_EXCHANGE, atBob.uri());
        assertEquals(2, alice.session().others().size(), "claim 49: the provider gave Alice the others' keys");
        for (Member m : List.of(alice, bob, carol)) {
            m.order(new Order(m == alice ? "alice" : m == bob ? "bob" : "carol", Money.parse("30.00 EUR"), "power-co", "bill 2026-11"));
        }
        alice.send(Phase.TRANSACTION, atBob.uri());
        for (Member m : List.of(alice, bob, carol)) {
            assertEquals(Outcome.PAID, m.outcome().status());
        }
        assertEquals(Money.parse("90.00 EUR"), balance("merchants/power-co"));
        assertEquals(Money.parse("70.00 EUR"), balance("customers/bob"));
        alice.send(Phase.ACKNOWLEDGEMENT, atBob.uri());
        assertRefused(SessionException.ENDED, () -> alice.send(Phase.TRANSACTION, atBob.uri()));
        assertEquals(Money.parse("90.00 EUR"), balance("merchants/power-co"), "nothing moved twice");
    }

    /** An expense approved up a company hierarchy: two employees under a manager X(2,1) under a director X(3,1), paid in one answer. */
    @Test
    void anExpenseApprovedUpAHierarchyIsPaidInOneAnswer() {
        Member erin = member("erin", "500.00 EUR", false, SessionOptions.DEFAULT);
        Member frank = member("frank", "500.00 EUR", true, SessionOptions.DEFAULT);
        Member grace = member("grace", "10.00 EUR", false, SessionOptions.DEFAULT);
        Member heidi = member("heidi", "10.00 EUR", false, SessionOptions.DEFAULT);
        Hop atHeidi = opened(Hop.participant(heidi, 1, provider));
        Hop atGrace = opened(Hop.participant(grace, 2, atHeidi.uri()));
        erin.order(new Order("erin", Money.parse("120.00 EUR"), "hotel", "offsite, 2 nights"));
        frank.order(new Order("frank", Money.parse("80.00 EUR"), "rail", "offsite, return"));
        grace.order(new Order("grace", Money.parse("0.00 EUR"), "expenses", "approved by the manager"));
        heidi.order(new Order("heidi", Money.parse("0.00 EUR"), "expenses", "approved by the director"));
        for (Phase phase : Phase.values()) {
            Thread other = Thread.ofVirtual().start(() -> frank.send(phase, atGrace.uri()));
            erin.send(phase, atGrace.uri());
            join(other);
            if (phase == Phase.TRANSACTION) {
                assertEquals(Outcome.APPROVED, heidi.outcome().status());
                assertEquals(Outcome.APPROVED, grace.outcome().status());
                assertEquals(Outcome.PAID, erin.outcome().status());
                assertEquals(Outcome.PAID, frank.outcome().status());
            }
        }
        assertEquals(Money.parse("380.00 EUR"), balance("customers/erin"));
        assertEquals(Money.parse("80.00 EUR"), balance("merchants/rail"));
    }

    @Test
    void whenOneMemberCannotPayNoneDoesAndEachIsToldWhy() {
        Member alice = member("alice", "100.00 EUR", false, SessionOptions.DEFAULT);
        Member bob = member("bob", "5.00 EUR", true, SessionOptions.DEFAULT);
        Hop atBob = opened(Hop.participant(bob, 1, provider));
        alice.send(Phase.KEY_EXCHANGE, atBob.uri());
        alice.order(new Order("alice", Money.parse("30.00 EUR"), "power-co", "bill"));
        bob.order(new Order("bob", Money.parse("30.00 EUR"), "power-co", "bill"));
        alice.send(Phase.TRANSACTION, atBob.uri());
        assertEquals(new Outcome(Outcome.REFUSED, "issuer.insufficient-funds", Money.parse("30.00 EUR"), ""), alice.outcome());
        assertEquals(Outcome.REFUSED, bob.outcome().status());
        assertEquals(Money.parse("100.00 EUR"), balance("customers/alice"));
        assertEquals(Money.parse("0.00 EUR"), balance("merchants/power-co"));
    }

    @Test
    void aDuplicatedDeliveryATamperedOrReplayedMessageAndAStrangersCardMoveNothing() {
        Member alice = member("alice", "100.00 EUR", false, new SessionOptions(true, true, true));
        alice.send(Phase.KEY_EXCHANGE, provider);
        alice.order(new Order("alice", Money.parse("30.00 EUR"), "power-co", "bill"));
        Envelope tx = new Envelope.Single(alice.own(Phase.TRANSACTION));
        byte[] tampered = tx.encode();
        tampered[tampered.length - 40] ^= 1;
        assertRefused(SessionException.BAD_SIGNATURE, () -> Member.post(provider, Envelope.decode(tampered)));
        toBank.plan("POST /issuer/s4/messages", Fault.duplicate(), Fault.loseResponse());
        escudo.s4.session.ReplyTree answer = Member.post(provider, tx); // delivered twice, answered with the same reply
        assertThrows(escudo.core.EscudoException.class, () -> Member.post(provider, tx)); // its answer is lost
        assertEquals(java.util.HexFormat.of().formatHex(answer.encode()), java.util.HexFormat.of().formatHex(Member.post(provider, tx).encode()),
                "asked again, the same reply");
        alice.accept(Phase.TRANSACTION, answer.own());
        assertEquals(Outcome.PAID, alice.outcome().status());
        assertEquals(Money.parse("30.00 EUR"), balance("merchants/power-co"), "paid once");
        // the same part in any other message is a replay
        Member bob = member("bob", "100.00 EUR", false, SessionOptions.DEFAULT);
        bob.send(Phase.KEY_EXCHANGE, provider);
        bob.order(new Order("bob", Money.parse("1.00 EUR"), "power-co", "bill"));
        Envelope again = Envelope.combine(List.of(tx), bob.own(Phase.TRANSACTION), bob.card());
        assertRefused(SessionException.REPLAYED, () -> Member.post(provider, again));
        assertEquals(Money.parse("30.00 EUR"), balance("merchants/power-co"), "paid once");

        Member paysFromAnother = member("mallory", "100.00 EUR", true, SessionOptions.DEFAULT);
        paysFromAnother.send(Phase.KEY_EXCHANGE, provider);
        paysFromAnother.order(new Order("alice", Money.parse("30.00 EUR"), "power-co", "not mine"));
        paysFromAnother.send(Phase.TRANSACTION, provider);
        assertEquals(SessionException.WRONG_ACCOUNT.value(), paysFromAnother.outcome().refusal());

        MemberTerminal unknown = opened(new MemberTerminal(SoftwareCard.issue(dir.resolve("stranger"), ISSUER, ISSUER_KEY, "stranger", PIN)));
        unknown.select();
        byte[] key = new byte[16];
        unknown.authenticate(ISSUER, ISSUER_KEY).createDomain(BANK, key);
        unknown.authenticate(BANK, key).createRecord(1, KeyType.SIGNING, Instrument.DEBIT, DEBIT, "account", "alice".getBytes(StandardCharsets.UTF_8));
        unknown.select();
        Member stranger = new Member(keys, new CardSigner(unknown, BANK, 1), SessionOptions.DEFAULT);
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> stranger.send(Phase.KEY_EXCHANGE, provider)); // the record's USE needs the PIN
        unknown.verifyPin(PIN);
        assertRefused(SessionException.UNKNOWN_MEMBER, () -> stranger.send(Phase.KEY_EXCHANGE, provider));
        assertEquals(Money.parse("70.00 EUR"), balance("customers/alice"));
    }

    @Test
    void aHopThatCannotReachTheNextOneOrIsGoneIsReported() {
        Member alice = member("alice", "100.00 EUR", false, SessionOptions.DEFAULT);
        Member bob = member("bob", "100.00 EUR", false, SessionOptions.DEFAULT);
        Hop atBob = opened(Hop.participant(bob, 1, URI.create("http://127.0.0.1:9/issuer/s4/messages")));
        assertRefused(SessionException.HOP_UNREACHABLE, () -> alice.send(Phase.KEY_EXCHANGE, atBob.uri()));
        atBob.close();
        assertRefused(SessionException.HOP_UNREACHABLE, () -> alice.send(Phase.KEY_EXCHANGE, atBob.uri()));
        assertEquals(0, bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance().minorUnits() - 100_00);
    }

    @Test
    void malformedBodiesAndRegistrationsAreRefusedWithTheirCodesAndNothingIsKept() throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            for (String body : List.of("{\"message\": null}", "{\"message\": \"AAAA\"}", "not json", "{}")) {
                java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(bank.uri().resolve("/issuer/s4/messages"))
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(400, answer.statusCode(), body + ": " + answer.body());
                assertTrue(answer.body().contains(body.contains("AAAA") ? "s4.session-malformed" : "request.malformed"), answer.body());
                assertTrue(!answer.body().contains("AAAA"), "the input is not echoed");
            }
        }
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "alice", Money.parse("1.00 EUR")), BankApi.Balance.class);
        assertRefused(SessionException.MALFORMED, () -> bank.desk().post("/issuer/s4/members", new SessionApi.Register("alice",
                Bytes.of(new byte[65])), SessionApi.Registered.class));
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        byte[] point = P256.encode((java.security.interfaces.ECPublicKey) generator.generateKeyPair().getPublic());
        assertRefused(escudo.bank.BankException.UNKNOWN_CUSTOMER, () -> bank.desk().post("/issuer/s4/members",
                new SessionApi.Register("nobody", Bytes.of(point)), SessionApi.Registered.class));
        try (PartyClient anyone = new PartyClient(bank.uri())) {
            assertRefused(escudo.node.http.Desk.OPERATOR_ONLY, () -> anyone.post("/issuer/s4/members", new SessionApi.Register("alice",
                    Bytes.of(point)), SessionApi.Registered.class));
        }
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("bob", "bob", Money.parse("1.00 EUR")), BankApi.Balance.class);
        bank.desk().post("/issuer/s4/members", new SessionApi.Register("alice", Bytes.of(point)), SessionApi.Registered.class);
        bank.desk().post("/issuer/s4/members", new SessionApi.Register("alice", Bytes.of(point)), SessionApi.Registered.class); // again: the same
        assertRefused(SessionException.CARD_KEY_TAKEN, () -> bank.desk().post("/issuer/s4/members", new SessionApi.Register("bob",
                Bytes.of(point)), SessionApi.Registered.class));
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
