package escudo.node;

import escudo.bank.Bank;
import escudo.core.EscudoException;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.s3.server.issuer.CardApplication;
import escudo.s3.server.issuer.Issuer;
import escudo.s2.server.issuer.CardAuthoriser;
import escudo.s2.server.issuer.PartyDirectory;
import escudo.s2.server.issuer.PaymentCards;
import escudo.s0.server.issuer.Enrolment;
import escudo.s0.server.issuer.TradeCenter;
import escudo.node.api.IssuerApi;
import escudo.node.api.OrderApi;
import escudo.node.api.TradeApi;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.NodeServer;
import escudo.node.http.Routes;
import escudo.node.order.OrderChannel;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeEnvelope;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.TreeMap;

/** The issuer role on HTTP: the bank's API (docs/api.md) in front of {@link Issuer}. */
public final class IssuerNode implements AutoCloseable {

    private final Database db;
    private final Bank bank;
    private final Issuer issuer;
    private final TradeCenter trade;
    private final OrderDesk orders;
    private final String operatorToken;
    private final Desk desk;
    private final NodeServer server;

    private IssuerNode(Database db, Bank bank, Issuer issuer, TradeCenter trade, OrderDesk orders, String operatorToken, String host, int port) {
        this.bank = bank;
        this.operatorToken = operatorToken;
        this.desk = new Desk(operatorToken, "a bank desk operation");
        this.db = db;
        this.issuer = issuer;
        this.trade = trade;
        this.orders = orders;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /** The bank's side of S2 (seed 002): its key directory, payment cards and card authorisation. */
    private record OrderDesk(PartyDirectory directory, PaymentCards cards, CardAuthoriser authoriser, OrderChannel channel) {

        static OrderDesk start(Bank issuer, Database db, Keys keys, Clock clock) {
            PartyDirectory directory = new PartyDirectory(db, clock);
            PairwiseKeys me = keys.orderKeys().keysFor(issuer.bankId(), new KeyDirectory(directory::find));
            if (me instanceof DirectoryKeys own) {
                // the bank publishes its own entry, signed with the bank key
                KeyDirectory.Entry entry = new KeyDirectory.Entry(issuer.bankId(), own.publicKey(), keys.bankKey().verifyingKey());
                directory.register(entry, entry.prove(keys.bankKey()));
            }
            PaymentCards cards = new PaymentCards(issuer, db, clock);
            CardAuthoriser authoriser = new CardAuthoriser(issuer, cards, db, me, clock);
            OrderChannel channel = new OrderChannel(me, clock)
                    .on(OrderMessage.Kind.AUTHORISE, OrderMessage.AuthorisationRequest.class, authoriser::authorise)
                    .on(OrderMessage.Kind.CAPTURE, OrderMessage.CaptureRequest.class, authoriser::capture);
            return new OrderDesk(directory, cards, authoriser, channel);
        }
    }

    /**
     * What an issuer node keeps between restarts: the bank's signing key, the S0 registration key,
     * the box that seals device secrets in the database, the operator token of the bank's desk, and
     * the secret of its S2 pairwise keys.
     */
    public record Keys(SigningKey bankKey, Hpke.Recipient registrationKey, SecretBox deviceSecrets, String operatorToken,
                       OrderKeys orderKeys) {

        public Keys {
            if (operatorToken == null || operatorToken.length() < 32) {
                throw new IllegalArgumentException("an operator token has at least 32 characters");
            }
            java.util.Objects.requireNonNull(orderKeys, "orderKeys");
        }

        /** Fresh keys that live as long as the node: for tests, the demo and benchmarks. */
        public static Keys ephemeral(SigningKey bankKey) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            byte[] token = new byte[32];
            new SecureRandom().nextBytes(token);
            return new Keys(bankKey, Hpke.Recipient.generate(), SecretBox.derive(random, null, "issuer-devices"),
                    java.util.HexFormat.of().formatHex(token), OrderKeys.Directory.ephemeral());
        }
    }

    /** Opens the bank's database and starts serving with {@link Keys#ephemeral} keys. */
    public static IssuerNode start(String bankId, NodeConfig.Jdbc jdbc, SigningKey bankKey, String host, int port) {
        return start(bankId, jdbc, Keys.ephemeral(bankKey), host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes, with {@link Keys#ephemeral} keys. */
    public static IssuerNode start(String bankId, Database db, SigningKey bankKey, String host, int port) {
        return start(bankId, db, Keys.ephemeral(bankKey), host, port);
    }

    /** Opens the bank's database and starts serving. */
    public static IssuerNode start(String bankId, NodeConfig.Jdbc jdbc, Keys keys, String host, int port) {
        return start(bankId, Database.open(jdbc.url(), jdbc.user(), jdbc.password()), keys, host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes. */
    public static IssuerNode start(String bankId, Database db, Keys keys, String host, int port) {
        try {
            Clock clock = Clock.systemUTC();
            Bank bank = new Bank(bankId, keys.bankKey().verifyingKey(), db, clock);
            Issuer issuer = new Issuer(Issuer.Settings.defaults(bankId), bank, keys.bankKey());
            TradeCenter trade = new TradeCenter(bank, db, keys.bankKey(), keys.registrationKey(), keys.deviceSecrets(), clock);
            return new IssuerNode(db, bank, issuer, trade, OrderDesk.start(bank, db, keys, clock), keys.operatorToken(), host, port);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The token the bank's desk presents for operator endpoints. */
    public String operatorToken() {
        return operatorToken;
    }

    public Issuer issuer() {
        return issuer;
    }

    public Bank bank() {
        return bank;
    }

    /** The S0 trade centre (seed 000) of this bank. */
    public TradeCenter tradeCenter() {
        return trade;
    }

    /** The bank's S2 key directory (seed 002: the key authentication office). */
    public PartyDirectory directory() {
        return orders.directory();
    }

    /** The S2 payment cards this bank issued. */
    public PaymentCards paymentCards() {
        return orders.cards();
    }

    public URI uri() {
        return server.uri();
    }

    private void routes(HttpRouting.Builder r) {
        Routes.get(r, "/issuer", req -> new IssuerApi.BankInfo(issuer.bankId(), issuer.publicKey()));
        Routes.post(r, "/issuer/customers", IssuerApi.OpenCustomer.class, (body, req) -> {
            desk.require(req);
            bank.openCustomer(body.customerId(), body.name(), body.openingDeposit());
            return new Created(new IssuerApi.Balance(body.customerId(), bank.customerBalance(body.customerId())),
                    "/issuer/customers/" + body.customerId());
        });
        Routes.get(r, "/issuer/customers/{id}", req ->
                desk.only(req, () -> new IssuerApi.Balance(req.path("id"), bank.customerBalance(req.path("id")))));
        Routes.post(r, "/issuer/merchants", IssuerApi.OpenMerchant.class, (body, req) -> {
            desk.require(req);
            bank.openMerchant(body.merchantId(), body.name(), body.currency(), body.publicKey());
            return new Created(new IssuerApi.Balance(body.merchantId(), bank.merchantBalance(body.merchantId())),
                    "/issuer/merchants/" + body.merchantId());
        });
        Routes.get(r, "/issuer/merchants/{id}", req ->
                desk.only(req, () -> new IssuerApi.Balance(req.path("id"), bank.merchantBalance(req.path("id")))));
        Routes.post(r, "/issuer/cards", CardApplication.class, (body, req) -> {
            desk.require(req);
            var issued = issuer.issueCard(body);
            return new Created(issued, "/issuer/cards/" + issued.certificate().cardNumber());
        });
        Routes.get(r, "/issuer/cards/{number}", req -> desk.only(req, () -> issuer.card(req.path("number"))));
        Routes.post(r, "/issuer/deposits", DepositRequest.class, (body, req) -> issuer.deposit(body));
        Routes.post(r, "/issuer/withdrawals", WithdrawalRequest.class, (body, req) -> issuer.withdraw(body));
        Routes.get(r, "/issuer/blacklist", req -> issuer.blacklist());
        Routes.get(r, "/issuer/alerts", req -> desk.only(req, () -> new IssuerApi.Alerts(issuer.alerts())));
        Routes.get(r, "/issuer/ledger", req -> {
            desk.require(req);
            var totals = new TreeMap<String, Long>();
            bank.ledger().totals().forEach((currency, total) -> totals.put(currency.getCurrencyCode(), total));
            return new IssuerApi.LedgerView(bank.ledger().accounts(), totals);
        });
        // S0, the trade server centre (seed 000): enrolment, device registration, trade messages
        Routes.get(r, "/issuer/devices/registration", req -> trade.registrationInfo());
        Routes.post(r, "/issuer/devices/enrolments", TradeApi.Enrol.class, (body, req) -> {
            desk.require(req);
            Enrolment enrolment = trade.issueEnrolment(body.customerId());
            return new Created(new TradeApi.EnrolmentCode(enrolment.code(), enrolment.expiresAt()));
        });
        Routes.post(r, "/issuer/devices", TradeApi.Registration.class, (body, req) -> {
            RegistrationReceipt receipt = trade.register(body.sealed());
            return new Created(receipt, "/issuer/devices/" + receipt.deviceId());
        });
        Routes.get(r, "/issuer/devices/{id}", req -> desk.only(req, () -> trade.device(req.path("id"))));
        Routes.post(r, "/issuer/devices/{id}/messages", TradeEnvelope.class, (body, req) -> trade.handle(req.path("id"), body));
        Routes.post(r, "/issuer/devices/{id}/revocation", TradeApi.Revocation.class,
                (body, req) -> desk.only(req, () -> trade.revoke(req.path("id"))));
        Routes.get(r, "/issuer/customers/{id}/devices", req -> desk.only(req, () -> new TradeApi.Devices(trade.devices(req.path("id")))));
        // S2, the split order (seed 002): key directory, payment cards, card authorisation
        Routes.get(r, "/issuer/directory/{id}", req -> OrderApi.DirectoryEntry.of(orders.directory().find(req.path("id"))
                .orElseThrow(() -> OrderException.of(EscudoException.Kind.NOT_FOUND, OrderException.UNKNOWN_PARTY,
                        "no key directory entry for party " + req.path("id")))));
        Routes.post(r, "/issuer/directory", OrderApi.Registration.class, (body, req) -> {
            desk.require(req);
            KeyDirectory.Entry entry = orders.directory().register(
                    new KeyDirectory.Entry(body.id(), body.x25519PublicKey(), body.verifyingKey()), body.proof());
            return new Created(OrderApi.DirectoryEntry.of(entry), "/issuer/directory/" + entry.id());
        });
        Routes.post(r, "/issuer/payment-cards", OrderApi.IssuePaymentCard.class, (body, req) -> {
            desk.require(req);
            return new Created(orders.cards().issue(body.customerId()));
        });
        orders.channel().routes(r, "/issuer");
        Routes.fallback(r);
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
