package escudo.s2.server;

import escudo.bank.Bank;
import escudo.bank.client.RemoteBank;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.crypto.Digest;
import escudo.crypto.SecretAccess;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.node.spi.Setting;
import escudo.s2.api.OrderApi;
import escudo.s2.client.BlomShares;
import escudo.s2.client.ChannelClient;
import escudo.s2.client.OrderKeys;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.server.courier.Courier;
import escudo.s2.server.issuer.CardAuthoriser;
import escudo.s2.server.issuer.PartyDirectory;
import escudo.s2.server.issuer.PaymentCards;
import escudo.s2.server.seller.HttpOrderPartners;
import escudo.s2.server.seller.Shop;
import escudo.s2.server.seller.ShopSettings;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * S2, the split order (seed 002), on a node: on the bank, the key directory (the key
 * authentication office), payment cards and card authorisation; on a merchant, the web shop; on
 * the courier, deliveries. Each party answers the others on its party channel
 * ({@code POST /<role>/s2/hello} and {@code /s2/requests}, docs/api.md).
 */
public final class S2Feature implements Feature {

    private static final System.Logger LOG = System.getLogger(S2Feature.class.getName());

    /** How the S2 parties of a node derive their pairwise keys (docs/split-order.md). */
    public enum OrderKeyMode {
        /** X25519 keys, published in the bank's key directory. */
        DIRECTORY,
        /** Each party's Blom share in {@code <data dir>/blom/<id>.share}, written by {@code escudo blom issue}. */
        BLOM
    }

    public static final Setting<OrderKeyMode> ORDER_KEYS = Setting.oneOf("escudo.order.keys", OrderKeyMode.DIRECTORY,
            "How the S2 parties derive their pairwise keys: X25519 with the bank's key directory, or their Blom shares"
                    + " from `escudo blom issue` in `<escudo.data.dir>/blom/<id>.share`.");

    @Override
    public String name() {
        return "s2";
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(ORDER_KEYS);
    }

    @Override
    public void join(Party party) {
        switch (party.role()) {
            case ISSUER -> joinBank(party);
            case MERCHANT -> joinShop(party);
            case COURIER -> joinCourier(party);
        }
    }

    private static void joinBank(Party party) {
        Bank bank = party.require(Bank.class);
        PartyDirectory directory = new PartyDirectory(party.db(), party.clock());
        PairwiseKeys me = orderKeys(party).keysFor(bank.bankId(), new KeyDirectory(directory::find));
        if (me instanceof DirectoryKeys own) {
            // the bank publishes its own entry, signed with the bank key
            KeyDirectory.Entry entry = new KeyDirectory.Entry(bank.bankId(), own.publicKey(), party.secrets().signingKey().verifyingKey());
            directory.register(entry, entry.prove(party.secrets().signingKey()));
        }
        PaymentCards cards = new PaymentCards(bank, party.db(), party.clock());
        CardAuthoriser authoriser = new CardAuthoriser(bank, cards, party.db(), me, party.clock());
        OrderChannel channel = new OrderChannel(me, party.clock())
                .on(OrderMessage.Kind.AUTHORISE, OrderMessage.AuthorisationRequest.class, authoriser::authorise)
                .on(OrderMessage.Kind.CAPTURE, OrderMessage.CaptureRequest.class, authoriser::capture)
                .on(OrderMessage.Kind.RELEASE, OrderMessage.ReleaseRequest.class, authoriser::release);
        party.provide(PartyDirectory.class, directory);
        party.provide(PaymentCards.class, cards);
        party.provide(CardAuthoriser.class, authoriser);
        Desk desk = new Desk(party.secrets().operatorToken(), "a bank desk operation");
        party.routes(r -> {
            Routes.get(r, "/issuer/directory/{id}", req -> OrderApi.DirectoryEntry.of(directory.find(req.path("id"))
                    .orElseThrow(() -> OrderException.of(OrderException.UNKNOWN_PARTY,
                            "no key directory entry for party " + req.path("id")))));
            Routes.post(r, "/issuer/directory", OrderApi.Registration.class, (body, req) -> {
                desk.require(req);
                KeyDirectory.Entry entry = directory.register(
                        new KeyDirectory.Entry(body.id(), body.x25519PublicKey(), body.verifyingKey()), body.proof());
                return new Created(OrderApi.DirectoryEntry.of(entry), "/issuer/directory/" + entry.id());
            });
            Routes.post(r, "/issuer/payment-cards", OrderApi.IssuePaymentCard.class, (body, req) -> {
                desk.require(req);
                return new Created(cards.issue(body.customerId()));
            });
            channel.routes(r, "/issuer");
        });
    }

    /** The seller's web shop, with its channels to the bank (card manager) and the courier it ships with. */
    private static void joinShop(Party party) {
        NodeConfig config = party.config();
        RemoteBank bank = party.require(RemoteBank.class);
        PairwiseKeys me = joinDirectory(party, bank);
        HttpOrderPartners partners = new HttpOrderPartners(
                new ChannelClient(me, bank.info().bankId(), new PartyClient(config.issuerUrl()), "/issuer"),
                new ChannelClient(me, config.courierId(), new PartyClient(config.courierUrl()), "/courier"));
        party.onClose(partners);
        Shop shop = new Shop(ShopSettings.defaults(party.id(), bank.info().bankId(), config.courierId(), config.merchantCurrency()),
                party.db(), me, partners, party.clock());
        // Everything of the shop on HTTP is the shopper's: the catalogue, an order form (a row, so
        // limited per address) and the channel that places an order and answers its holder alone.
        RateLimit limit = party.rateLimit();
        OrderChannel channel = new OrderChannel(me, party.clock())
                .on(OrderMessage.Kind.PLACE_ORDER, OrderMessage.Placement.class, shop::place)
                .on(OrderMessage.Kind.ORDER_STATUS, OrderMessage.StatusQuery.class, shop::status)
                .limitedBy(limit);
        party.provide(Shop.class, shop);
        party.routes(r -> {
            Routes.get(r, "/merchant/shop/catalogue", req -> new OrderApi.Catalogue(party.id(),
                    shop.catalogue().stream().map(i -> new OrderMessage.Item(i.sku(), i.name(), 1, i.unitPrice())).toList()));
            Routes.post(r, "/merchant/shop/offers", OrderMessage.Basket.class, (body, req) -> {
                limit.admit(req);
                return new Created(shop.offer(body));
            });
            channel.routes(r, "/merchant");
        });
    }

    /** The courier (seed 002, terminal 4): takes deliveries from sellers, its desk reports their state. */
    private static void joinCourier(Party party) {
        PairwiseKeys me = joinDirectory(party, party.require(RemoteBank.class));
        Courier courier = new Courier(party.db(), me, party.clock());
        OrderChannel channel = new OrderChannel(me, party.clock())
                .on(OrderMessage.Kind.DELIVER, OrderMessage.DeliveryRequest.class, courier::accept)
                .on(OrderMessage.Kind.DELIVERY_STATUS, OrderMessage.DeliveryQuery.class, courier::status);
        party.provide(Courier.class, courier);
        Desk desk = new Desk(party.secrets().operatorToken(), "a courier desk operation");
        party.routes(r -> {
            Routes.get(r, "/courier", req -> new OrderApi.CourierInfo(courier.courierId()));
            channel.routes(r, "/courier");
            Routes.get(r, "/courier/deliveries", req -> desk.only(req, () -> new OrderApi.Deliveries(courier.deliveries())));
            Routes.get(r, "/courier/deliveries/{id}", req -> desk.only(req, () -> courier.delivery(req.path("id"))));
            Routes.post(r, "/courier/deliveries/{id}/status", OrderApi.Advance.class,
                    (body, req) -> desk.only(req, () -> courier.advance(req.path("id"), body.state())));
        });
    }

    /**
     * A party's S2 secret: given to the party (tests), else in Blom mode its share from
     * {@code <data dir>/blom/<id>.share}, else its static X25519 key, sealed in the vault under a
     * name taken from a hash of the exact identifier, so two parties of one node never share a key.
     */
    private static OrderKeys orderKeys(Party party) {
        return party.find(OrderKeys.class).orElseGet(() -> {
            if (party.setting(ORDER_KEYS) == OrderKeyMode.BLOM) {
                return new OrderKeys.Blom(BlomShares.read(BlomShares.file(party.config().dataDir().resolve(BlomShares.DIR), party.id())));
            }
            String name = "order-" + HexFormat.of().formatHex(Digest.sha256(party.id().getBytes(StandardCharsets.UTF_8)), 0, 16);
            return new OrderKeys.Directory(Bytes.of(party.secrets().sealKey(name).privateKey(SecretAccess.forSealedStorage())));
        });
    }

    /**
     * The pairwise keys of a party whose key directory is the bank's; in directory mode, with the
     * bank desk's token, publishes the party's keys there (again harmlessly on every start).
     */
    private static PairwiseKeys joinDirectory(Party party, RemoteBank bank) {
        PairwiseKeys me = orderKeys(party).keysFor(party.id(), RemoteDirectory.over(bank.client()));
        if (me instanceof DirectoryKeys own && party.secrets().bankDeskToken().isPresent()) {
            try (PartyClient desk = new PartyClient(bank.client().baseUri(), party.secrets().bankDeskToken().orElseThrow())) {
                RemoteDirectory.register(desk, party.id(), own.publicKey(), party.secrets().signingKey());
            } catch (EscudoException e) {
                if (e.code() != Desk.OPERATOR_ONLY) {
                    throw e;
                }
                // a node of another operator than the bank's: it runs, and the bank's desk registers it
                LOG.log(System.Logger.Level.WARNING, party.id() + " could not publish its S2 keys: the bank refused this node's"
                        + " operator token. Until the bank's desk registers " + party.id() + ", parties answer it"
                        + " order.unknown-party; set ESCUDO_OPERATOR_TOKEN to the bank's token to register at start.");
            }
        }
        return me;
    }
}
