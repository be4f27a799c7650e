package escudo.node;

import escudo.crypto.SigningKey;
import escudo.issuer.CardApplication;
import escudo.issuer.Issuer;
import escudo.node.api.IssuerApi;
import escudo.node.http.Created;
import escudo.node.http.NodeServer;
import escudo.node.http.Routes;
import escudo.protocol.DepositRequest;
import escudo.protocol.WithdrawalRequest;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.time.Clock;
import java.util.TreeMap;

/** The issuer role on HTTP: the bank's API (docs/api.md) in front of {@link Issuer}. */
public final class IssuerNode implements AutoCloseable {

    private final Database db;
    private final Issuer issuer;
    private final NodeServer server;

    private IssuerNode(Database db, Issuer issuer, String host, int port) {
        this.db = db;
        this.issuer = issuer;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /** Opens the bank's database and starts serving. */
    public static IssuerNode start(String bankId, NodeConfig.Jdbc jdbc, SigningKey bankKey, String host, int port) {
        return start(bankId, Database.open(jdbc.url(), jdbc.user(), jdbc.password()), bankKey, host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes. */
    public static IssuerNode start(String bankId, Database db, SigningKey bankKey, String host, int port) {
        try {
            return new IssuerNode(db, new Issuer(Issuer.Settings.defaults(bankId), db, bankKey, Clock.systemUTC()), host, port);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public Issuer issuer() {
        return issuer;
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
        Routes.fallback(r);
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
