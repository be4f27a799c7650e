package escudo.s3.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.Json;
import escudo.http.PartyClient;
import escudo.http.Problem;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.http.Desk;
import escudo.node.spi.Secrets;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.CardApplication;
import escudo.s3.api.DepositSummary;
import escudo.s3.api.IssuedCard;
import escudo.s3.api.MerchantApi;
import escudo.s3.card.Card;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.server.merchant.Merchant;
import escudo.s3.server.merchant.MerchantException;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the merchant's own operations (its till presenting checkouts, its payments, deposits
 * and blacklist copy) need its operator's token; the card holder's terminal needs none and sees
 * only its own payment; payments from one address are rate limited; unpaid checkouts long expired
 * are deleted. A bank node and a merchant node on real HTTP, the merchant on a clock the test moves.
 */
class MerchantAccessOverHttpTest {

    private static final String PIN = "4321";

    @TempDir
    Path dir;
    /** Whole milliseconds, as a payment specification and the database keep its times. */
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private PartyNode bankNode;
    private PartyNode shopNode;
    private PartyClient bank;
    /** The merchant's till: its operator's token. */
    private PartyClient till;
    /** A card holder's terminal: no token. */
    private PartyClient terminal;

    @BeforeEach
    void start() {
        bankNode = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "escudo-bank", "escudo.issuer.port", "0")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).start();
        shopNode = PartyNode.of(Role.MERCHANT, NodeConfig.of(Map.of("escudo.merchant.id", "coffee", "escudo.merchant.port", "0",
                        "escudo.issuer.id", "escudo-bank", "escudo.issuer.url", bankNode.uri().toString(),
                        "escudo.rate.limit", "1", "escudo.rate.burst", "3")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).clock(clock).start();
        bank = new PartyClient(bankNode.uri(), bankNode.operatorToken());
        till = new PartyClient(shopNode.uri(), shopNode.operatorToken());
        terminal = new PartyClient(shopNode.uri());
        MerchantApi.MerchantInfo info = terminal.get("/merchant", MerchantApi.MerchantInfo.class);
        bank.post("/issuer/merchants", new BankApi.OpenMerchant(info.merchantId(), "Coffee", "EUR", info.publicKey()), BankApi.Balance.class);
        bank.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("100.00 EUR")), BankApi.Balance.class);
        bank.post("/issuer/customers", new BankApi.OpenCustomer("bob", "Bob", Money.parse("100.00 EUR")), BankApi.Balance.class);
    }

    @AfterEach
    void stop() {
        terminal.close();
        till.close();
        bank.close();
        shopNode.close();
        bankNode.close();
    }

    private Card card(String holder) {
        Card card = Card.manufacture(dir.resolve(holder));
        IssuedCard issued = bank.post("/issuer/cards", new CardApplication(holder, CardKind.CASH, Money.parse("40.00 EUR"),
                card.userShare(), Bytes.of(card.transportKey())), IssuedCard.class);
        card.personalise(PIN, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
        return card;
    }

    private PaymentSpec present(String amount) {
        return till.post("/merchant/checkouts", new MerchantApi.Checkout(Money.parse(amount), "coffee"), PaymentSpec.class);
    }

    /** What the holder's terminal does with the reference the till shows: fetch the spec, sign it on the card. */
    private PaymentCertificate sign(Card card, String reference) {
        return card.pay(terminal.get("/merchant/checkouts/" + reference, PaymentSpec.class), PIN);
    }

    private AcceptedPayment pay(Card card, PaymentCertificate payment) {
        return terminal.post("/merchant/payments", new MerchantApi.Payment(card.certificate(), payment), AcceptedPayment.class);
    }

    /** A plain HTTP request, to see the status and headers; {@code body} is sent as JSON unless null. */
    private HttpResponse<String> raw(String method, String path, Object body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(shopNode.uri() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void theMerchantsOwnOperationsAre401WithoutItsOperatorToken() throws Exception {
        Card alice = card("alice");
        pay(alice, sign(alice, present("3.00 EUR").reference()));
        record Route(String method, String path, Object body) {
        }
        List<Route> own = List.of(new Route("POST", "/merchant/checkouts", new MerchantApi.Checkout(Money.parse("1.00 EUR"), "x")),
                new Route("GET", "/merchant/payments", null), new Route("POST", "/merchant/deposits", new MerchantApi.Command()),
                new Route("POST", "/merchant/blacklist", new MerchantApi.Command()));
        // none, a guess, and the bank's own token: another party's desk opens nothing here
        for (String token : new String[] {null, "0".repeat(64), bankNode.operatorToken()}) {
            for (Route route : own) {
                HttpResponse<String> refused = raw(route.method(), route.path(), route.body(), token);
                assertEquals(401, refused.statusCode(), route.method() + " " + route.path());
                assertTrue(refused.body().contains("\"code\":\"node.operator-only\""), refused.body());
                assertTrue(refused.body().contains("a merchant desk operation"), refused.body());
                assertFalse(refused.body().contains(alice.certificate().cardNumber()), refused.body());
            }
        }
        for (Consumer<PartyClient> operation : List.<Consumer<PartyClient>>of(
                c -> c.post("/merchant/checkouts", new MerchantApi.Checkout(Money.parse("1.00 EUR"), "x"), PaymentSpec.class),
                c -> c.get("/merchant/payments", MerchantApi.Payments.class),
                c -> c.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class),
                c -> c.post("/merchant/blacklist", new MerchantApi.Command(), Blacklist.class))) {
            EscudoException e = assertThrows(EscudoException.class, () -> operation.accept(terminal));
            assertEquals(Desk.OPERATOR_ONLY, e.code());
            assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
        }

        // with the token: the till lists the payment, deposits it, refreshes the blacklist
        List<AcceptedPayment> payments = till.get("/merchant/payments", MerchantApi.Payments.class).payments();
        assertEquals(1, payments.size(), "no refused request left a row");
        DepositSummary deposit = till.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
        assertEquals(1, deposit.count(Outcome.CLEARED));
        assertTrue(till.post("/merchant/blacklist", new MerchantApi.Command(), Blacklist.class).cardNumbers().isEmpty());
        assertEquals(Money.parse("3.00 EUR"), bank.get("/issuer/merchants/coffee", BankApi.Balance.class).balance());
    }

    @Test
    void theHoldersTerminalPaysWithoutATokenAndSeesOnlyItsOwnPayment() {
        Card alice = card("alice");
        Card bob = card("bob");
        PaymentSpec presented = present("3.80 EUR");
        PaymentSpec fetched = terminal.get("/merchant/checkouts/" + presented.reference(), PaymentSpec.class);
        assertEquals(presented, fetched, "the terminal shows exactly what the till presented");

        AcceptedPayment alicePaid = pay(alice, alice.pay(fetched, PIN));
        assertEquals(alice.certificate().cardNumber(), alicePaid.cardNumber());
        assertEquals(Money.parse("3.80 EUR"), alicePaid.amount());
        assertTrue(alicePaid.collected());
        AcceptedPayment bobPaid = pay(bob, sign(bob, present("1.20 EUR").reference()));
        assertEquals(bob.certificate().cardNumber(), bobPaid.cardNumber());

        assertEquals(MerchantException.DUPLICATE_PAYMENT, assertThrows(EscudoException.class,
                () -> terminal.get("/merchant/checkouts/" + presented.reference(), PaymentSpec.class)).code(), "a paid checkout is not handed out again");
        EscudoException unknown = assertThrows(EscudoException.class,
                () -> terminal.get("/merchant/checkouts/0123456789abcdef0123456789abcdef", PaymentSpec.class));
        assertEquals(MerchantException.UNKNOWN_CHECKOUT, unknown.code());
        assertEquals(EscudoException.Kind.NOT_FOUND, unknown.kind());
        assertEquals(Desk.OPERATOR_ONLY, assertThrows(EscudoException.class,
                () -> terminal.get("/merchant/payments", MerchantApi.Payments.class)).code(), "no terminal lists the others' cards");
        assertEquals(Set.of(alice.certificate().cardNumber(), bob.certificate().cardNumber()),
                till.get("/merchant/payments", MerchantApi.Payments.class).payments().stream().map(AcceptedPayment::cardNumber)
                        .collect(Collectors.toSet()), "the till sees both");
    }

    @Test
    void paymentsFromOneAddressAreRefused429AfterTheBurstAndAdmittedAgainAfterTheRefill() throws Exception {
        Card alice = card("alice");
        for (int i = 0; i < 3; i++) {
            assertTrue(pay(alice, sign(alice, present("1.00 EUR").reference())).collected());
        }
        PaymentSpec fourth = present("2.00 EUR");
        PaymentCertificate signed = sign(alice, fourth.reference());

        EscudoException limited = assertThrows(EscudoException.class, () -> pay(alice, signed));
        assertEquals(Problem.RATE_LIMITED, limited.code());
        assertEquals(EscudoException.Kind.REFUSED, limited.kind());
        HttpResponse<String> raw = raw("POST", "/merchant/payments", new MerchantApi.Payment(alice.certificate(), signed), null);
        assertEquals(429, raw.statusCode());
        assertEquals("1", raw.headers().firstValue("Retry-After").orElse(""));
        assertTrue(raw.body().contains("\"code\":\"request.rate-limited\""), raw.body());
        assertEquals(fourth, terminal.get("/merchant/checkouts/" + fourth.reference(), PaymentSpec.class),
                "the refused payment did nothing: the checkout is still to be paid");
        till.post("/merchant/checkouts", new MerchantApi.Checkout(Money.parse("1.00 EUR"), "x"), PaymentSpec.class); // the till is not limited

        clock.advance(Duration.ofSeconds(1));
        assertEquals(Money.parse("2.00 EUR"), pay(alice, signed).amount());
        assertEquals(4, till.get("/merchant/payments", MerchantApi.Payments.class).payments().size());
    }

    @Test
    void unpaidCheckoutsLongPastTheirLifetimeAreDeletedPaidOnesStay() {
        Card alice = card("alice");
        Merchant merchant = shopNode.service(Merchant.class);
        PaymentSpec paid = present("3.00 EUR");
        pay(alice, sign(alice, paid.reference()));
        PaymentSpec abandoned = present("5.00 EUR");
        clock.advance(Duration.ofMinutes(50));
        PaymentSpec recent = present("7.00 EUR");
        assertEquals(MerchantException.CHECKOUT_EXPIRED, assertThrows(EscudoException.class,
                () -> terminal.get("/merchant/checkouts/" + abandoned.reference(), PaymentSpec.class)).code());
        assertEquals(0, merchant.forgetExpiredCheckouts(), "the abandoned one expired, but not an hour ago: a late payer still hears why");

        clock.advance(Duration.ofMinutes(11));
        assertEquals(1, merchant.forgetExpiredCheckouts());
        assertEquals(MerchantException.UNKNOWN_CHECKOUT, assertThrows(EscudoException.class,
                () -> terminal.get("/merchant/checkouts/" + abandoned.reference(), PaymentSpec.class)).code());
        assertEquals(recent, terminal.get("/merchant/checkouts/" + recent.reference(), PaymentSpec.class), "still payable, kept");
        assertEquals(MerchantException.DUPLICATE_PAYMENT, assertThrows(EscudoException.class,
                () -> terminal.get("/merchant/checkouts/" + paid.reference(), PaymentSpec.class)).code(), "the paid one stays");

        clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS)); // the bank takes a deposit within five minutes of its own clock
        DepositSummary deposit = till.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
        assertEquals(1, deposit.count(Outcome.CLEARED), "the paid checkout's payment still deposits");
        assertEquals(Money.parse("3.00 EUR"), bank.get("/issuer/merchants/coffee", BankApi.Balance.class).balance());
    }
}
