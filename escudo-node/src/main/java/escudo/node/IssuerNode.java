package escudo.node;

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
    private final NodeServer server;

    private IssuerNode(Database db, Issuer issuer, TradeCenter trade, String host, int port) {
        this.db = db;
        this.issuer = issuer;
        this.trade = trade;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /**
     * Opens the bank's database and starts serving, with a fresh S0 registration key and device
     * storage key that live only as long as this node: devices registered with it cannot trade
     * with a restarted node. For tests and the demo; {@link Node} keeps both in its {@link KeyVault}.
     */
    public static IssuerNode start(String bankId, NodeConfig.Jdbc jdbc, SigningKey bankKey, String host, int port) {
        return start(bankId, jdbc, bankKey, Hpke.Recipient.generate(), ephemeralBox(), host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes; S0 keys as in the overload above. */
    public static IssuerNode start(String bankId, Database db, SigningKey bankKey, String host, int port) {
        return start(bankId, db, bankKey, Hpke.Recipient.generate(), ephemeralBox(), host, port);
    }

    /**
     * Opens the bank's database and starts serving.
     *
     * @param registrationKey the X25519 key devices seal their S0 registration to
     * @param deviceSecrets seals each device's hardware serial and registration secret in the database
     */
    public static IssuerNode start(String bankId, NodeConfig.Jdbc jdbc, SigningKey bankKey, Hpke.Recipient registrationKey,
            SecretBox deviceSecrets, String host, int port) {
        return start(bankId, Database.open(jdbc.url(), jdbc.user(), jdbc.password()), bankKey, registrationKey, deviceSecrets, host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes. */
    public static IssuerNode start(String bankId, Database db, SigningKey bankKey, Hpke.Recipient registrationKey,
            SecretBox deviceSecrets, String host, int port) {
        try {
            Clock clock = Clock.systemUTC();
            Issuer issuer = new Issuer(Issuer.Settings.defaults(bankId), db, bankKey, clock);
            TradeCenter trade = new TradeCenter(issuer, db, bankKey, registrationKey, deviceSecrets, clock);
            return new IssuerNode(db, issuer, trade, host, port);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static SecretBox ephemeralBox() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return SecretBox.derive(key, null, "issuer-devices");
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
            issuer.openCustomer(body.customerId(), body.name(), body.openingDeposit());
            return new Created(new IssuerApi.Balance(body.customerId(), issuer.customerBalance(body.customerId())),
                    "/issuer/customers/" + body.customerId());
        });
        Routes.get(r, "/issuer/customers/{id}", req ->
                new IssuerApi.Balance(req.path("id"), issuer.customerBalance(req.path("id"))));
        Routes.post(r, "/issuer/merchants", IssuerApi.OpenMerchant.class, (body, req) -> {
            issuer.openMerchant(body.merchantId(), body.name(), body.currency(), body.publicKey());
            return new Created(new IssuerApi.Balance(body.merchantId(), issuer.merchantBalance(body.merchantId())),
                    "/issuer/merchants/" + body.merchantId());
        });
        Routes.get(r, "/issuer/merchants/{id}", req ->
                new IssuerApi.Balance(req.path("id"), issuer.merchantBalance(req.path("id"))));
        Routes.post(r, "/issuer/cards", CardApplication.class, (body, req) -> {
            var issued = issuer.issueCard(body);
            return new Created(issued, "/issuer/cards/" + issued.certificate().cardNumber());
        });
        Routes.get(r, "/issuer/cards/{number}", req -> issuer.card(req.path("number")));
        Routes.post(r, "/issuer/deposits", DepositRequest.class, (body, req) -> issuer.deposit(body));
        Routes.post(r, "/issuer/withdrawals", WithdrawalRequest.class, (body, req) -> issuer.withdraw(body));
        Routes.get(r, "/issuer/blacklist", req -> issuer.blacklist());
        Routes.get(r, "/issuer/alerts", req -> new IssuerApi.Alerts(issuer.alerts()));
        Routes.get(r, "/issuer/ledger", req -> {
            var totals = new TreeMap<String, Long>();
            issuer.ledger().totals().forEach((currency, total) -> totals.put(currency.getCurrencyCode(), total));
            return new IssuerApi.LedgerView(issuer.ledger().accounts(), totals);
        });
        // S0, the trade server centre (seed 000): enrolment, device registration, trade messages
        Routes.get(r, "/issuer/devices/registration", req -> trade.registrationInfo());
        Routes.post(r, "/issuer/devices/enrolments", TradeApi.Enrol.class, (body, req) -> {
            Enrolment enrolment = trade.issueEnrolment(body.customerId());
            return new Created(new TradeApi.EnrolmentCode(enrolment.code(), enrolment.expiresAt()));
        });
        Routes.post(r, "/issuer/devices", TradeApi.Registration.class, (body, req) -> {
            RegistrationReceipt receipt = trade.register(body.sealed());
            return new Created(receipt, "/issuer/devices/" + receipt.deviceId());
        });
        Routes.get(r, "/issuer/devices/{id}", req -> trade.device(req.path("id")));
        Routes.post(r, "/issuer/devices/{id}/messages", TradeEnvelope.class, (body, req) -> trade.handle(req.path("id"), body));
        Routes.post(r, "/issuer/devices/{id}/revocation", TradeApi.Revocation.class, (body, req) -> trade.revoke(req.path("id")));
        Routes.get(r, "/issuer/customers/{id}/devices", req -> new TradeApi.Devices(trade.devices(req.path("id"))));
        Routes.fallback(r);
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
