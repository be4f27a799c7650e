package escudo.bench;

import escudo.bank.Bank;
import escudo.ledger.Account;
import escudo.node.NodeConfig;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s2.api.PaymentCard;
import escudo.s2.client.OrderKeys;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.s2.api.OrderApi;
import escudo.http.PartyClient;
import escudo.s2.client.ChannelClient;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.OrderPart;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.storage.Database;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

/**
 * Seed 002, Fig. 1 end to end: how many split orders one holder completes per second over real
 * HTTP, against two baselines measured in the same run (docs/performance.md, "Split order end to
 * end").
 *
 * <ul>
 *   <li>{@link #orderEndToEnd}: three nodes on loopback (bank {@link IssuerNode}, shop
 *       {@link MerchantNode} with its web shop, {@link CourierNode}), each on its own in-memory H2
 *       database. Per invocation the holder asks the shop for an offer (plain HTTP), seals the
 *       three parts ({@link Shopper}) and places the order over the party channel (hello + sealed
 *       request); inside that request the shop opens its part, has the bank authorise and hold
 *       the amount (hello + request) and hands the order to the courier (hello + request).
 *       Nothing is captured: the courier has not picked the parcel up. Anything but
 *       {@code DISPATCHED} fails the run. The trial's teardown checks every order's amount is
 *       held, then has the courier pick up the last {@value #CAPTURED_AT_THE_END} parcels and the
 *       holder ask for their status, which captures them, and checks the money moved exactly once.</li>
 *   <li>{@link #httpRoundTrip} (baseline A): {@code GET /merchant} to the same shop node with a
 *       {@link PartyClient}: Helidon, JSON both ways, no database, no crypto.</li>
 *   <li>{@link #sealAndOpenDirectory}, {@link #sealAndOpenBlom} (baseline B, no I/O):
 *       {@link SplitOrder#seal} of the same 3-part order and the three {@link SplitOrder#open}s,
 *       with X25519 directory keys and with Blom shares (k = 8).</li>
 * </ul>
 * The end-to-end benchmark runs once per key mode of the nodes ({@code keys}); baseline A once,
 * on nodes in directory mode.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(1)
public class SplitOrderBenchmark {

    private static final String BANK = "bench-bank";
    private static final String SHOP = "bench-shop";
    private static final String COURIER = "bench-courier";
    private static final String HOLDER = "bench-holder";
    private static final String CONTACT = "Alice Martin, +34 600 000 000";
    private static final String DESTINATION = "Calle Falsa 123, 28013 Madrid";
    private static final Money OPENING = Money.parse("10000000.00 EUR");
    /** Blom's collusion threshold for both the nodes and the crypto baseline. */
    private static final int BLOM_K = 8;
    /** How many of the last orders the teardown has picked up and captured, outside the measurement. */
    static final int CAPTURED_AT_THE_END = 20;

    /** The nodes of {@link #orderEndToEnd}, once per key mode. */
    @State(Scope.Benchmark)
    public static class Nodes extends Network {

        /** How the parties derive their pairwise keys: {@code directory} (X25519, the default) or {@code blom}. */
        @Param({"directory", "blom"})
        public String keys;

        @Setup(Level.Trial)
        public void setUp() {
            start(keys);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            checkAndStop();
        }
    }

    /**
     * The same nodes for {@link #httpRoundTrip}, in directory mode only: {@code GET /merchant}
     * does no S2 work, so the key mode cannot change it, and one run leaves more time for warm-up.
     */
    @State(Scope.Benchmark)
    public static class ShopNode extends Network {

        @Setup(Level.Trial)
        public void setUp() {
            start("directory");
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            checkAndStop();
        }
    }

    /** Starts the three nodes, opens the holder's account and card; checks the money when done. */
    abstract static class Network {

        final List<AutoCloseable> open = new ArrayList<>();
        Bank bank;
        Database bankDb;
        PartyClient bankDesk;
        PartyClient courierDesk;
        PartyClient shop;
        ChannelClient holder;
        Shopper shopper;
        Shopper.Details details;
        Basket basket;
        Money price;
        long placed;
        /** The last orders placed, for the teardown to pick up and capture. */
        final ArrayDeque<OrderStatus> latest = new ArrayDeque<>();

        void start(String keys) {
            OrderKeys bankKeys;
            OrderKeys shopKeys;
            OrderKeys courierKeys;
            BlomAuthority authority = null;
            switch (keys) {
                case "directory" -> {
                    bankKeys = OrderKeys.Directory.ephemeral();
                    shopKeys = OrderKeys.Directory.ephemeral();
                    courierKeys = OrderKeys.Directory.ephemeral();
                }
                case "blom" -> {
                    authority = BlomAuthority.generate(BLOM_K, new SecureRandom());
                    bankKeys = new OrderKeys.Blom(authority.issue(BANK));
                    shopKeys = new OrderKeys.Blom(authority.issue(SHOP));
                    courierKeys = new OrderKeys.Blom(authority.issue(COURIER));
                }
                default -> throw new IllegalArgumentException("keys is directory or blom, not " + keys);
            }
            bankDb = memoryDatabase("bank");
            PartyNode bankNode = track(PartyNode.of(NodeConfig.Role.ISSUER, settings(null, Map.of())).database(bankDb)
                    .secrets(Secrets.ephemeral(SigningKey.generate())).with(OrderKeys.class, bankKeys).start());
            bank = bankNode.service(Bank.class);
            bankDesk = track(new PartyClient(bankNode.uri(), bankNode.operatorToken()));
            String courierDeskToken = UUID.randomUUID() + "-" + UUID.randomUUID();
            PartyNode courierNode = track(PartyNode.of(NodeConfig.Role.COURIER, settings(bankNode, Map.of())).database(memoryDatabase("courier"))
                    .secrets(Secrets.ephemeral(SigningKey.generate(), courierDeskToken, bankNode.operatorToken()))
                    .with(OrderKeys.class, courierKeys).start());
            courierDesk = track(new PartyClient(courierNode.uri(), courierDeskToken));
            SigningKey shopKey = SigningKey.generate();
            PartyNode shopNode = track(PartyNode.of(NodeConfig.Role.MERCHANT, settings(bankNode, Map.of("escudo.courier.url",
                            courierNode.uri().toString()))).database(memoryDatabase("shop"))
                    .secrets(Secrets.ephemeral(shopKey, courierDeskToken + "-shop", bankNode.operatorToken()))
                    .with(OrderKeys.class, shopKeys).start());
            shop = track(new PartyClient(shopNode.uri()));
            bankDesk.post("/issuer/merchants", new BankApi.OpenMerchant(SHOP, "Bench shop", "EUR", shopKey.verifyingKey()),
                    BankApi.Balance.class);
            bankDesk.post("/issuer/customers", new BankApi.OpenCustomer(HOLDER, "Alice Martin", OPENING), BankApi.Balance.class);
            PaymentCard card = bankDesk.post("/issuer/payment-cards", new OrderApi.IssuePaymentCard(HOLDER), PaymentCard.class);

            PairwiseKeys holderKeys;
            if (authority != null) {
                holderKeys = authority.issue(HOLDER);
            } else {
                // Entries are cached after the first lookup, so only the first order asks the bank.
                DirectoryKeys own = DirectoryKeys.generate(HOLDER, RemoteDirectory.over(track(new PartyClient(bankNode.uri()))));
                RemoteDirectory.register(bankDesk, HOLDER, own.publicKey(), SigningKey.generate());
                holderKeys = own;
            }
            holder = track(new ChannelClient(holderKeys, SHOP, new PartyClient(shopNode.uri()), "/merchant"));
            shopper = new Shopper(holderKeys, BANK);
            details = new Shopper.Details(CONTACT, card.cardNumber(), card.expiry(), DESTINATION);
            // The cheapest article, one at a time: 10,000,000 EUR lasts far longer than any run.
            OrderMessage.Item cheapest = shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class).items().stream()
                    .min((a, b) -> a.unitPrice().compareTo(b.unitPrice())).orElseThrow();
            basket = new Basket(List.of(new Basket.Line(cheapest.sku(), 1)));
            price = cheapest.unitPrice();
        }

        /**
         * Every order placed holds its amount and none is paid; once the courier has picked up the
         * last ones, the holder's status queries capture exactly those, once (a second query pays
         * nothing more); the ledger still sums to zero. Else the run fails.
         */
        void checkAndStop() throws Exception {
            try {
                check(0);
                List<OrderStatus> last = List.copyOf(latest);
                for (OrderStatus order : last) {
                    courierDesk.post("/courier/deliveries/" + order.trackingId() + "/status", new OrderApi.Advance(DeliveryState.PICKED_UP),
                            OrderMessage.DeliveryReceipt.class);
                }
                for (int round = 0; round < 2; round++) {
                    for (OrderStatus order : last) {
                        OrderStatus status = holder.call(OrderMessage.Kind.ORDER_STATUS, new OrderMessage.StatusQuery(order.orderId()),
                                OrderStatus.class);
                        if (status.state() != OrderState.DISPATCHED) {
                            throw new IllegalStateException("order " + order.orderId() + " picked up but " + status.state());
                        }
                    }
                }
                check(last.size());
            } finally {
                for (int i = open.size() - 1; i >= 0; i--) {
                    open.get(i).close();
                }
            }
        }

        /** {@code captured} of the orders placed were paid, the rest are held: the holder's and the shop's accounts agree. */
        private void check(long captured) {
            Money paid = price.times(captured);
            Money held = price.times(placed - captured);
            Account holderAccount = bankDb.inTransaction(tx -> bank.currentAccount(tx, HOLDER));
            Account shopAccount = bankDb.inTransaction(tx -> bank.depositAccount(tx, SHOP));
            long total = bankDesk.get("/issuer/ledger", BankApi.LedgerView.class).totals().get("EUR");
            if (!shopAccount.balance().equals(paid) || !shopAccount.pendingCredits().equals(held)
                    || !holderAccount.balance().equals(OPENING.minus(paid)) || !holderAccount.pendingDebits().equals(held)
                    || total != 0) {
                throw new IllegalStateException(placed + " orders of " + price + ", " + captured + " picked up: the shop holds "
                        + shopAccount.balance() + " with " + shopAccount.pendingCredits() + " held for it, the holder "
                        + holderAccount.balance() + " with " + holderAccount.pendingDebits() + " held, the ledger sums to " + total);
            }
        }

        private <T extends AutoCloseable> T track(T closeable) {
            open.add(closeable);
            return closeable;
        }

        /** The benchmark's parties: every port free, the bank at {@code bank} (once it runs), plus {@code more}. */
        private static NodeConfig settings(PartyNode bank, Map<String, String> more) {
            Map<String, String> settings = new java.util.HashMap<>(Map.of("escudo.issuer.id", BANK, "escudo.merchant.id", SHOP,
                    "escudo.courier.id", COURIER, "escudo.issuer.port", "0", "escudo.merchant.port", "0", "escudo.courier.port", "0",
                    "escudo.merchant.online.limit", "5000",
                    // one holder ordering as fast as it can from one address: the shop's per-address limit would stop it
                    "escudo.rate.limit", "1000000", "escudo.rate.burst", "1000000"));
            if (bank != null) {
                settings.put("escudo.issuer.url", bank.uri().toString());
            }
            settings.putAll(more);
            return NodeConfig.of(settings);
        }

        private static Database memoryDatabase(String party) {
            return Database.open("jdbc:h2:mem:bench-" + party + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
    }

    /** The same 3-part order as the holder seals end to end, and each recipient's keys, in both key modes. */
    @State(Scope.Thread)
    public static class Crypto {

        private final List<Part> parts = new ArrayList<>();
        private final SplitOrder.Form form = SplitOrder.Form.standard();
        /** The part each recipient (shop, bank, courier) opens. */
        private static final List<Class<? extends OrderPart>> PART_TYPES =
                List.of(OrderPart.SellerPart.class, OrderPart.IssuerPart.class, OrderPart.CourierPart.class);
        private PairwiseKeys directoryHolder;
        private PairwiseKeys[] directoryRecipients;
        private PairwiseKeys blomHolder;
        private PairwiseKeys[] blomRecipients;

        @Setup(Level.Trial)
        public void setUp() {
            KeyDirectory directory = new KeyDirectory();
            DirectoryKeys holder = DirectoryKeys.generate(HOLDER, directory);
            directory.register(HOLDER, holder.publicKey(), SigningKey.generate().verifyingKey());
            directoryHolder = holder;
            directoryRecipients = new PairwiseKeys[3];
            String[] ids = {SHOP, BANK, COURIER};
            for (int i = 0; i < ids.length; i++) {
                DirectoryKeys party = DirectoryKeys.generate(ids[i], directory);
                directory.register(ids[i], party.publicKey(), SigningKey.generate().verifyingKey());
                directoryRecipients[i] = party;
            }
            BlomAuthority authority = BlomAuthority.generate(BLOM_K, new SecureRandom());
            blomHolder = authority.issue(HOLDER);
            blomRecipients = new PairwiseKeys[] {authority.issue(SHOP), authority.issue(BANK), authority.issue(COURIER)};

            // What Shopper puts in each part for one green tea (the end-to-end basket).
            Map<String, String> values = Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, "1 x tea-green-100g",
                    SplitOrder.AMOUNT, "6.50 EUR", SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT,
                    SplitOrder.CARD_NUMBER, "6099123456789012", SplitOrder.EXPIRY, "12/30", SplitOrder.DESTINATION, DESTINATION);
            Role[] roles = {Role.SELLER, Role.ISSUER, Role.COURIER};
            for (int i = 0; i < roles.length; i++) {
                Map<String, String> fields = new TreeMap<>();
                for (String name : form.fieldsOf(roles[i])) {
                    fields.put(name, values.get(name));
                }
                parts.add(Part.of(roles[i], ids[i], fields));
            }
            // A setup that does not round-trip must not produce a number.
            check(directoryHolder, directoryRecipients);
            check(blomHolder, blomRecipients);
        }

        private void check(PairwiseKeys holder, PairwiseKeys[] recipients) {
            SplitOrder.Sealed sealed = SplitOrder.seal(form, "ORD-BENCH", holder, parts);
            for (int i = 0; i < recipients.length; i++) {
                SplitOrder.Opened<?> opened = SplitOrder.open(sealed, recipients[i].myId(), recipients[i], PART_TYPES.get(i));
                if (!opened.part().fields().equals(parts.get(i).fields())) {
                    throw new IllegalStateException(recipients[i].myId() + " opened other fields than were sealed");
                }
            }
        }
    }

    /**
     * Three nodes and the holder in one JVM: on 2 cores the JIT takes 50 s or more to reach a
     * steady rate here (the warm-up iterations show the climb).
     */
    @Benchmark
    @Warmup(iterations = 10, time = 5)
    public OrderStatus orderEndToEnd(Nodes n) {
        Offer offer = n.shop.post("/merchant/shop/offers", n.basket, Offer.class);
        SplitOrder.Sealed bundle = n.shopper.seal(offer, n.details);
        OrderStatus status = n.holder.call(OrderMessage.Kind.PLACE_ORDER, new OrderMessage.Placement(Bytes.of(bundle.encode())),
                OrderStatus.class);
        if (status.state() != OrderState.DISPATCHED) {
            throw new IllegalStateException("order " + offer.orderId() + " ended " + status.state() + " " + status.reason());
        }
        n.placed++;
        if (n.latest.size() == CAPTURED_AT_THE_END) {
            n.latest.removeFirst();
        }
        n.latest.addLast(status);
        return status;
    }

    /** Helidon, the JDK client and Jackson reach a steady rate after some 25 s on 2 cores. */
    @Benchmark
    @Warmup(iterations = 6, time = 5)
    public MerchantApi.MerchantInfo httpRoundTrip(ShopNode n) {
        return n.shop.get("/merchant", MerchantApi.MerchantInfo.class);
    }

    /** The JDK's X25519 reaches its speed only after some 10 to 20 s of compilation on 2 cores. */
    @Benchmark
    public void sealAndOpenDirectory(Crypto c, Blackhole bh) {
        sealAndOpen(c, c.directoryHolder, c.directoryRecipients, bh);
    }

    @Benchmark
    public void sealAndOpenBlom(Crypto c, Blackhole bh) {
        sealAndOpen(c, c.blomHolder, c.blomRecipients, bh);
    }

    private static void sealAndOpen(Crypto c, PairwiseKeys holder, PairwiseKeys[] recipients, Blackhole bh) {
        SplitOrder.Sealed sealed = SplitOrder.seal(c.form, "ORD-BENCH", holder, c.parts);
        for (int i = 0; i < recipients.length; i++) {
            bh.consume(SplitOrder.open(sealed, recipients[i].myId(), recipients[i], Crypto.PART_TYPES.get(i)));
        }
    }
}
