package escudo.node;

import escudo.s2.client.OrderKeys;
import escudo.crypto.SigningKey;
import escudo.s3.server.merchant.Merchant;
import escudo.s2.server.seller.Shop;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.s2.api.OrderApi;
import escudo.node.http.Created;
import escudo.node.http.NodeServer;
import escudo.http.PartyClient;
import escudo.node.http.Routes;
import escudo.s2.client.ChannelClient;
import escudo.s2.server.seller.HttpOrderPartners;
import escudo.node.order.OrderChannel;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.time.Clock;

/** The merchant role on HTTP: checkout, payment acceptance and deposits (docs/api.md). */
public final class MerchantNode implements AutoCloseable {

    /**
     * What a merchant node needs beyond its database and key; {@code shop} is null for a merchant
     * that takes card payments (S3) only.
     */
    public record Settings(String merchantId, String currency, long onlineLimitMinor, URI issuerUrl, String expectedBankId,
                           ShopSettings shop) {

        public Settings(String merchantId, String currency, long onlineLimitMinor, URI issuerUrl, String expectedBankId) {
            this(merchantId, currency, onlineLimitMinor, issuerUrl, expectedBankId, null);
        }
    }

    /**
     * The web shop of S2 (seed 002): the courier it ships with, its pairwise-key secret, and (in
     * directory mode) the bank desk's token to publish its keys, or null when the desk registers it.
     */
    public record ShopSettings(String courierId, URI courierUrl, OrderKeys orderKeys, String bankDeskToken) {
        public ShopSettings {
            java.util.Objects.requireNonNull(courierId, "courierId");
            java.util.Objects.requireNonNull(courierUrl, "courierUrl");
            java.util.Objects.requireNonNull(orderKeys, "orderKeys");
        }
    }

    private final Database db;
    private final PartyClient bank;
    private final Merchant merchant;
    private final String currency;
    private final WebShop shop;
    private final NodeServer server;

    private MerchantNode(Database db, PartyClient bank, Merchant merchant, String currency, WebShop shop, String host, int port) {
        this.db = db;
        this.bank = bank;
        this.merchant = merchant;
        this.currency = currency;
        this.shop = shop;
        this.server = NodeServer.start(host, port, this::routes);
    }

    /** The S2 shop with its channel and its links to the issuer and the courier. */
    private record WebShop(Shop shop, OrderChannel channel, HttpOrderPartners partners) {

        static WebShop start(Settings settings, String bankId, PartyClient bank, Database db, SigningKey merchantKey, Clock clock) {
            ShopSettings s = settings.shop();
            PairwiseKeys me = HttpBank.joinDirectory(settings.merchantId(), s.orderKeys(), bank, s.bankDeskToken(), merchantKey);
            PartyClient issuer = new PartyClient(settings.issuerUrl());
            PartyClient courier;
            try {
                courier = new PartyClient(s.courierUrl());
            } catch (RuntimeException e) {
                issuer.close();
                throw e;
            }
            HttpOrderPartners partners = new HttpOrderPartners(new ChannelClient(me, bankId, issuer, "/issuer"),
                    new ChannelClient(me, s.courierId(), courier, "/courier"));
            try {
                Shop shop = new Shop(Shop.Settings.defaults(settings.merchantId(), bankId, s.courierId(), settings.currency()),
                        db, me, partners, clock);
                OrderChannel channel = new OrderChannel(me, clock)
                        .on(OrderMessage.Kind.PLACE_ORDER, OrderMessage.Placement.class, shop::place)
                        .on(OrderMessage.Kind.ORDER_STATUS, OrderMessage.StatusQuery.class, shop::status);
                return new WebShop(shop, channel, partners);
            } catch (RuntimeException e) {
                partners.close();
                throw e;
            }
        }
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
            BankApi.BankInfo info = HttpBank.expect(bank, settings.expectedBankId());
            Clock clock = Clock.systemUTC();
            Merchant merchant = new Merchant(new Merchant.Settings(settings.merchantId(), info.bankId(), settings.currency(),
                    settings.onlineLimitMinor()), db, merchantKey, info.publicKey(), new HttpBank(bank), clock);
            WebShop shop = settings.shop() == null ? null : WebShop.start(settings, info.bankId(), bank, db, merchantKey, clock);
            try {
                return new MerchantNode(db, bank, merchant, settings.currency(), shop, host, port);
            } catch (RuntimeException e) {
                if (shop != null) {
                    shop.partners().close();
                }
                throw e;
            }
        } catch (RuntimeException e) {
            db.close();
            bank.close();
            throw e;
        }
    }

    public Merchant merchant() {
        return merchant;
    }

    /** The S2 web shop, if this merchant runs one. */
    public java.util.Optional<Shop> shop() {
        return java.util.Optional.ofNullable(shop).map(WebShop::shop);
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
        if (shop != null) {
            Routes.get(r, "/merchant/shop/catalogue", req -> new OrderApi.Catalogue(merchant.merchantId(),
                    shop.shop().catalogue().stream().map(i -> new OrderMessage.Item(i.sku(), i.name(), 1, i.unitPrice())).toList()));
            Routes.post(r, "/merchant/shop/offers", OrderMessage.Basket.class, (body, req) -> new Created(shop.shop().offer(body)));
            shop.channel().routes(r, "/merchant");
        }
        Routes.fallback(r);
    }

    @Override
    public void close() {
        server.close();
        db.close();
        bank.close();
        if (shop != null) {
            shop.partners().close();
        }
    }
}
