package escudo.node;

import escudo.core.EscudoException;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import escudo.issuer.CardApplication;
import escudo.issuer.Issuer;
import escudo.issuer.trade.Enrolment;
import escudo.issuer.trade.TradeCenter;
import escudo.node.api.IssuerApi;
import escudo.node.api.TradeApi;
import escudo.node.http.Created;
import escudo.node.http.NodeServer;
import escudo.node.http.Request;
import escudo.node.http.Routes;
import escudo.protocol.DepositRequest;
import escudo.protocol.WithdrawalRequest;
import escudo.protocol.trade.RegistrationReceipt;
import escudo.protocol.trade.TradeEnvelope;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.TreeMap;

/** The issuer role on HTTP: the bank's API (docs/api.md) in front of {@link Issuer}. */
public final class IssuerNode implements AutoCloseable {

    private final Database db;
    private final Issuer issuer;
    private final TradeCenter trade;
    private final String operatorToken;
    private final NodeServer server;

    private IssuerNode(Database db, Issuer issuer, TradeCenter trade, String operatorToken, String host, int port) {
        this.operatorToken = operatorToken;
        this.db = db;
        this.issuer = issuer;
        this.trade = trade;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /**
     * What an issuer node keeps between restarts: the bank's signing key, the S0 registration key,
     * the box that seals device secrets in the database, and the operator token of the bank's desk.
     */
    public record Keys(SigningKey bankKey, Hpke.Recipient registrationKey, SecretBox deviceSecrets, String operatorToken) {

        public Keys {
            if (operatorToken == null || operatorToken.length() < 32) {
                throw new IllegalArgumentException("an operator token has at least 32 characters");
            }
        }

        /** Fresh keys that live as long as the node: for tests, the demo and benchmarks. */
        public static Keys ephemeral(SigningKey bankKey) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            byte[] token = new byte[32];
            new SecureRandom().nextBytes(token);
            return new Keys(bankKey, Hpke.Recipient.generate(), SecretBox.derive(random, null, "issuer-devices"),
                    java.util.HexFormat.of().formatHex(token));
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
            Issuer issuer = new Issuer(Issuer.Settings.defaults(bankId), db, keys.bankKey(), clock);
            TradeCenter trade = new TradeCenter(issuer, db, keys.bankKey(), keys.registrationKey(), keys.deviceSecrets(), clock);
            return new IssuerNode(db, issuer, trade, keys.operatorToken(), host, port);
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

    /** The S0 trade centre (seed 000) of this bank. */
    public TradeCenter tradeCenter() {
        return trade;
    }

    public URI uri() {
        return server.uri();
    }

    private void routes(HttpRouting.Builder r) {
        Routes.get(r, "/issuer", req -> new IssuerApi.BankInfo(issuer.bankId(), issuer.publicKey()));
        Routes.post(r, "/issuer/customers", IssuerApi.OpenCustomer.class, (body, req) -> {
            operator(req);
            issuer.openCustomer(body.customerId(), body.name(), body.openingDeposit());
            return new Created(new IssuerApi.Balance(body.customerId(), issuer.customerBalance(body.customerId())),
                    "/issuer/customers/" + body.customerId());
        });
        Routes.get(r, "/issuer/customers/{id}", req ->
                operator(req, () -> new IssuerApi.Balance(req.path("id"), issuer.customerBalance(req.path("id")))));
        Routes.post(r, "/issuer/merchants", IssuerApi.OpenMerchant.class, (body, req) -> {
            operator(req);
            issuer.openMerchant(body.merchantId(), body.name(), body.currency(), body.publicKey());
            return new Created(new IssuerApi.Balance(body.merchantId(), issuer.merchantBalance(body.merchantId())),
                    "/issuer/merchants/" + body.merchantId());
        });
        Routes.get(r, "/issuer/merchants/{id}", req ->
                operator(req, () -> new IssuerApi.Balance(req.path("id"), issuer.merchantBalance(req.path("id")))));
        Routes.post(r, "/issuer/cards", CardApplication.class, (body, req) -> {
            operator(req);
            var issued = issuer.issueCard(body);
            return new Created(issued, "/issuer/cards/" + issued.certificate().cardNumber());
        });
        Routes.get(r, "/issuer/cards/{number}", req -> operator(req, () -> issuer.card(req.path("number"))));
        Routes.post(r, "/issuer/deposits", DepositRequest.class, (body, req) -> issuer.deposit(body));
        Routes.post(r, "/issuer/withdrawals", WithdrawalRequest.class, (body, req) -> issuer.withdraw(body));
        Routes.get(r, "/issuer/blacklist", req -> issuer.blacklist());
        Routes.get(r, "/issuer/alerts", req -> operator(req, () -> new IssuerApi.Alerts(issuer.alerts())));
        Routes.get(r, "/issuer/ledger", req -> {
            operator(req);
            var totals = new TreeMap<String, Long>();
            issuer.ledger().totals().forEach((currency, total) -> totals.put(currency.getCurrencyCode(), total));
            return new IssuerApi.LedgerView(issuer.ledger().accounts(), totals);
        });
        // S0, the trade server centre (seed 000): enrolment, device registration, trade messages
        Routes.get(r, "/issuer/devices/registration", req -> trade.registrationInfo());
        Routes.post(r, "/issuer/devices/enrolments", TradeApi.Enrol.class, (body, req) -> {
            operator(req);
            Enrolment enrolment = trade.issueEnrolment(body.customerId());
            return new Created(new TradeApi.EnrolmentCode(enrolment.code(), enrolment.expiresAt()));
        });
        Routes.post(r, "/issuer/devices", TradeApi.Registration.class, (body, req) -> {
            RegistrationReceipt receipt = trade.register(body.sealed());
            return new Created(receipt, "/issuer/devices/" + receipt.deviceId());
        });
        Routes.get(r, "/issuer/devices/{id}", req -> operator(req, () -> trade.device(req.path("id"))));
        Routes.post(r, "/issuer/devices/{id}/messages", TradeEnvelope.class, (body, req) -> trade.handle(req.path("id"), body));
        Routes.post(r, "/issuer/devices/{id}/revocation", TradeApi.Revocation.class,
                (body, req) -> operator(req, () -> trade.revoke(req.path("id"))));
        Routes.get(r, "/issuer/customers/{id}/devices", req -> operator(req, () -> new TradeApi.Devices(trade.devices(req.path("id")))));
        Routes.fallback(r);
    }

    /**
     * Desk and operator endpoints (opening accounts, issuing cards, enrolment codes, revocation,
     * the ledger) need the operator token; the protocol endpoints merchants, cards and devices use
     * authenticate by their own signatures and are open.
     */
    private void operator(Request req) {
        String presented = req.header("Authorization").orElse("");
        byte[] expected = ("Bearer " + operatorToken).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!java.security.MessageDigest.isEqual(expected, presented.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw new EscudoException(EscudoException.Kind.UNAUTHENTICATED, "node.operator-only",
                    "this is a bank desk operation: it needs the bank's operator token");
        }
    }

    private <T> T operator(Request req, java.util.function.Supplier<T> work) {
        operator(req);
        return work.get();
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
