package escudo.node;

import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.crypto.SigningKey;
import escudo.merchant.Merchant;
import escudo.node.api.IssuerApi;
import escudo.node.api.MerchantApi;
import escudo.node.http.NodeServer;
import escudo.node.http.PartyClient;
import escudo.node.http.Routes;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.time.Clock;

/** The merchant role on HTTP: checkout, payment acceptance and deposits (docs/api.md). */
public final class MerchantNode implements AutoCloseable {

    /** What a merchant node needs beyond its database and key. */
    public record Settings(String merchantId, String currency, long onlineLimitMinor, URI issuerUrl, String expectedBankId) {
    }

    private final Database db;
    private final PartyClient bank;
    private final Merchant merchant;
    private final String currency;
    private final NodeServer server;

    private MerchantNode(Database db, PartyClient bank, Merchant merchant, String currency, String host, int port) {
        this.db = db;
        this.bank = bank;
        this.merchant = merchant;
        this.currency = currency;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /**
     * Starts the merchant. It learns the bank's public key from the bank at start-up and refuses to
     * run if the bank answers with another identity than the one configured.
     */
    public static MerchantNode start(Settings settings, NodeConfig.Jdbc jdbc, SigningKey merchantKey, String host, int port) {
        return start(settings, Database.open(jdbc.url(), jdbc.user(), jdbc.password()), merchantKey, host, port);
    }

    /** Starts serving on {@code db}, which the node then owns and closes. */
    public static MerchantNode start(Settings settings, Database db, SigningKey merchantKey, String host, int port) {
        PartyClient bank = new PartyClient(settings.issuerUrl());
        try {
            IssuerApi.BankInfo info = bank.get("/issuer", IssuerApi.BankInfo.class);
            if (!info.bankId().equals(settings.expectedBankId())) {
                throw new EscudoException(Kind.INVALID, "node.wrong-bank", settings.issuerUrl() + " is bank "
                        + info.bankId() + ", not the configured " + settings.expectedBankId());
            }
            Merchant merchant = new Merchant(new Merchant.Settings(settings.merchantId(), info.bankId(), settings.currency(),
                    settings.onlineLimitMinor()), db, merchantKey, info.publicKey(), new HttpBank(bank), Clock.systemUTC());
            return new MerchantNode(db, bank, merchant, settings.currency(), host, port);
        } catch (RuntimeException e) {
            db.close();
            bank.close();
            throw e;
        }
    }

    public Merchant merchant() {
        return merchant;
    }

    public URI uri() {
        return server.uri();
    }

    private void routes(HttpRouting.Builder r) {
        Routes.get(r, "/merchant", req -> new MerchantApi.MerchantInfo(merchant.merchantId(), merchant.publicKey(), currency));
        Routes.post(r, "/merchant/checkouts", MerchantApi.Checkout.class, (body, req) -> merchant.checkout(body.amount(), body.details()));
        Routes.post(r, "/merchant/payments", MerchantApi.Payment.class, (body, req) -> merchant.accept(body.card(), body.payment()));
        Routes.get(r, "/merchant/payments", req -> new MerchantApi.Payments(merchant.payments()));
        Routes.post(r, "/merchant/deposits", MerchantApi.Command.class, (body, req) -> merchant.depositCollected());
        Routes.post(r, "/merchant/blacklist", MerchantApi.Command.class, (body, req) -> merchant.refreshBlacklist());
        Routes.fallback(r);
    }

    @Override
    public void close() {
        server.close();
        db.close();
        bank.close();
    }
}
