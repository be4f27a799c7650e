package escudo.cli;

import escudo.s3.api.Alerts;
import escudo.s0.device.HttpIssuerLink;
import escudo.s3.card.Card;
import escudo.s3.card.CardStatus;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.s0.device.HardwareSerial;
import escudo.s0.device.Wallet;
import escudo.s2.api.Delivery;
import escudo.s2.api.PaymentCard;
import escudo.s0.api.DeviceView;
import escudo.s2.api.OrderApi;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import escudo.s0.api.TradeApi;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.DepositSummary;
import escudo.s2.client.BlomShares;
import escudo.node.KeyVault;
import escudo.node.Node;
import escudo.node.NodeConfig;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.http.PartyClient;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.WithdrawalAck;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** The {@code escudo} command. Exit codes: 0 done, 1 failure on our side, 2 refused or bad usage. */
public final class Main {

    static final String USAGE = """
            usage: escudo <command> [options]

              serve                                   run the roles of escudo.properties (issuer, merchant and courier by default)
              demo [--out DIR]                        S0, S2 and S3 on the embedded default; DIR gets the artefacts of one payment

              customer open --id ID --name NAME --deposit "200.00 EUR"
              customer show --id ID
              merchant register                       open the merchant node's deposit account at the bank (S_id + key)
              card issue --card NAME --customer ID --amount "50.00 EUR" --pin PIN [--kind cash|credit|cheque]
              card show --card NAME
              device enrol --customer ID              the bank's desk gives a one-time enrolment code (S0)
              device revoke --id DEVICE_ID            the bank's desk cuts a device off
              device list --customer ID               the bank's desk lists a customer's devices
              device register --device NAME --customer ID --code CODE [--order asymmetric-inside|symmetric-inside] [--label TEXT]
              device balance --device NAME
              device transfer --device NAME --from current|savings --to savings|current --amount "20.00 EUR"
              device order --device NAME --payee MERCHANT_ID --amount "9.90 EUR" [--details TEXT]
              shopper enrol --holder ID               the bank's desk enrols a customer for split orders (S2 keys in --holders DIR)
              blom issue --k K --parties ID,ID,... [--shoppers ID,...]
                                                      the Blom key authority: one share per party (<data dir>/blom) and
                                                      shopper (--holders DIR), then the matrix is forgotten; serve with
                                                      escudo.order.keys=blom
              payment-card issue --customer ID        the bank's desk issues a payment card for split orders (S2)
              shop catalogue                          what the shop sells
              shop order --holder ID --items SKU:QTY[,SKU:QTY] --card-number N --expiry MM/YY --contact TEXT --destination TEXT
                                                      one split order: the shop, the bank and the courier each read only their part
              shop status --holder ID --order ORDER_ID
              courier deliveries                      the courier's desk: its deliveries
              courier advance --tracking ID --state picked_up|delivered|failed
              pay --card NAME --amount "3.80 EUR" --pin PIN [--details TEXT]
              topup --card NAME --amount "20.00 EUR" --pin PIN [--renew]
              deposit                                 the merchant deposits its collected payments
              blacklist                               the merchant fetches the bank's blacklist
              payments                                the merchant's payments and their state
              balances                                the bank's ledger
              alerts                                  the bank's security alerts

            options for every command: --config FILE, --issuer URL, --merchant URL, --courier URL, --cards DIR, --devices DIR,
              --holders DIR, --token T (the operator token for desk commands; default ESCUDO_OPERATOR_TOKEN or <data dir>/keys/operator.token)
            device commands read this machine's hardware serial; --serial S (or ESCUDO_DEVICE_SERIAL) simulates another
            """;

    private static final Set<String> FLAGS = Set.of("renew", "help");
    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        // Library chatter (Helidon, Flyway, HikariCP) stays out of a person's terminal unless asked for.
        if (System.getenv("ESCUDO_LOG") == null) {
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
            for (var handler : java.util.logging.Logger.getLogger("").getHandlers()) {
                handler.setLevel(java.util.logging.Level.WARNING);
            }
            // Flyway warns that H2 2.4 is newer than it was verified with; our migrations are tested on it.
            FLYWAY_LOG.setLevel(java.util.logging.Level.SEVERE);
        }
        System.exit(new Main(System.out, System.err).run(argv));
    }

    int run(String[] argv) {
        try {
            Args args = new Args(argv, FLAGS);
            if (args.wordCount() == 0 || args.flag("help")) {
                out.print(USAGE);
                return args.wordCount() == 0 && !args.flag("help") ? 2 : 0;
            }
            return dispatch(args);
        } catch (EscudoException e) {
            err.println("refused [" + e.code() + "]: " + e.getMessage());
            if ("cli.usage".equals(e.code())) {
                err.println("run 'escudo --help' for the commands");
            }
            return e.kind() == EscudoException.Kind.INTERNAL ? 1 : 2;
        } catch (Demo.DemoFailure e) {
            err.println("demo failed: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("failed: " + e);
            return 1;
        }
    }

    private int dispatch(Args args) throws EscudoException {
        NodeConfig config = args.optional("config").map(f -> NodeConfig.load(Path.of(f))).orElseGet(NodeConfig::load);
        String command = args.word(0) + (Set.of("customer", "card", "merchant", "device", "shopper", "payment-card", "shop", "courier", "blom")
                .contains(args.word(0)) ? " " + args.word(1) : "");
        URI issuerUrl = URI.create(args.optional("issuer").orElse(config.issuerUrl().toString()));
        URI merchantUrl = URI.create(args.optional("merchant").orElse("http://127.0.0.1:" + config.merchantPort()));
        Path cards = Path.of(args.optional("cards").orElse(config.dataDir().resolve("cards").toString()));
        Path devices = Path.of(args.optional("devices").orElse(config.dataDir().resolve("devices").toString()));
        URI courierUrl = URI.create(args.optional("courier").orElse(config.courierUrl().toString()));
        Path holders = Path.of(args.optional("holders").orElse(config.dataDir().resolve("holders").toString()));
        switch (command) {
            case "serve" -> {
                args.requireAllUsed();
                return serve(config);
            }
            case "blom issue" -> {
                int k;
                try {
                    k = Integer.parseInt(args.required("k"));
                } catch (NumberFormatException e) {
                    throw Args.usage("--k is the collusion bound, a whole number such as 8");
                }
                Map<String, Path> files = new LinkedHashMap<>();
                for (String id : args.required("parties").split(",")) {
                    files.put(id.strip(), BlomShares.file(config.dataDir().resolve(BlomShares.DIR), id.strip()));
                }
                for (String id : args.optional("shoppers").map(list -> list.split(",")).orElse(new String[0])) {
                    files.put(id.strip(), holders.resolve(id.strip()).resolve(Shopping.BLOM_FILE));
                }
                args.requireAllUsed();
                BlomShares.issue(k, files);
                files.forEach((id, file) -> out.println("share of " + id + " in " + file));
                out.println("the key matrix made " + files.size() + " shares and is forgotten; any " + (k + 1)
                        + " shares together would recover it (docs/split-order.md)");
                return 0;
            }
            case "demo" -> {
                Path out = args.optional("out").map(Path::of).orElse(null);
                Path data = Path.of(args.optional("data").orElse(tempDir()));
                args.requireAllUsed();
                new Demo(this.out, data, out).run();
                return 0;
            }
            default -> {
                String token = args.optional("token").or(() -> KeyVault.readOperatorToken(config.dataDir(), System.getenv())).orElse(null);
                try (PartyClient bank = token == null ? new PartyClient(issuerUrl) : new PartyClient(issuerUrl, token);
                        PartyClient merchant = new PartyClient(merchantUrl)) {
                    if (command.startsWith("device ")) {
                        device(command, args, bank, devices);
                    } else if (Set.of("shopper", "payment-card", "shop", "courier").contains(args.word(0))) {
                        try (PartyClient courier = token == null ? new PartyClient(courierUrl) : new PartyClient(courierUrl, token)) {
                            splitOrder(command, args, bank, merchant, courier, holders);
                        }
                    } else {
                        client(command, args, bank, merchant, cards);
                    }
                    return 0;
                }
            }
        }
    }

    private void client(String command, Args args, PartyClient bank, PartyClient merchant, Path cards) {
        switch (command) {
            case "customer open" -> {
                var body = new BankApi.OpenCustomer(args.required("id"), args.required("name"), Money.parse(args.required("deposit")));
                args.requireAllUsed();
                out.println("customer " + body.customerId() + " opened; balance " + bank.post("/issuer/customers", body, BankApi.Balance.class).balance());
            }
            case "customer show" -> {
                String id = args.required("id");
                args.requireAllUsed();
                out.println("customer " + id + ": " + bank.get("/issuer/customers/" + id, BankApi.Balance.class).balance());
            }
            case "merchant register" -> {
                args.requireAllUsed();
                MerchantApi.MerchantInfo info = merchant.get("/merchant", MerchantApi.MerchantInfo.class);
                bank.post("/issuer/merchants", new BankApi.OpenMerchant(info.merchantId(), info.merchantId(), info.currency(), info.publicKey()),
                        BankApi.Balance.class);
                out.println("merchant " + info.merchantId() + " has a deposit account in " + info.currency() + "; key " + info.publicKey().hex());
            }
            case "card issue" -> {
                Path dir = cards.resolve(cardName(args));
                String customer = args.required("customer");
                CardKind kind = CardKind.valueOf(args.optional("kind").orElse("cash").toUpperCase(Locale.ROOT));
                Money amount = Money.parse(args.required("amount"));
                String pin = args.required("pin");
                args.requireAllUsed();
                Card card = CardHolder.issueCard(bank, dir, customer, kind, amount, pin);
                out.println("card " + card.certificate().cardNumber() + " issued to " + customer + " and kept in " + dir);
                show(card.status());
            }
            case "card show" -> {
                Card card = Card.open(cards.resolve(cardName(args)));
                args.requireAllUsed();
                show(card.status());
            }
            case "pay" -> {
                Card card = Card.open(cards.resolve(cardName(args)));
                Money amount = Money.parse(args.required("amount"));
                String details = args.optional("details").orElse("");
                String pin = args.required("pin");
                args.requireAllUsed();
                AcceptedPayment paid = CardHolder.pay(merchant, card, amount, details, pin);
                out.println("paid " + paid.amount() + " (ser# " + paid.serial() + "): "
                        + (paid.collected() ? "accepted offline" : "cleared online: " + paid.status()));
                show(card.status());
            }
            case "topup" -> {
                Card card = Card.open(cards.resolve(cardName(args)));
                Money amount = Money.parse(args.required("amount"));
                boolean renew = args.flag("renew");
                String pin = args.required("pin");
                args.requireAllUsed();
                WithdrawalAck ack = CardHolder.topUp(bank, card, amount, renew, pin);
                out.println("topped up " + ack.amount() + (ack.renewed().isPresent() ? ", CARD-CERT renewed" : ""));
                show(card.status());
            }
            case "deposit" -> {
                args.requireAllUsed();
                DepositSummary summary = merchant.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
                out.println("deposited " + summary.sent() + " payment(s)");
                if (summary.receipt() != null) {
                    for (DepositReceipt.Status s : summary.receipt().statuses()) {
                        out.println("  card " + s.cardNumber() + " ser# " + s.serial() + ": " + s.outcome()
                                + (s.code().isEmpty() ? " " + s.credited() : " [" + s.code() + "] " + s.detail()));
                    }
                }
            }
            case "blacklist" -> {
                args.requireAllUsed();
                Blacklist list = merchant.post("/merchant/blacklist", new MerchantApi.Command(), Blacklist.class);
                out.println("blacklist of " + list.issuedAt() + ": " + (list.cardNumbers().isEmpty() ? "empty" : String.join(", ", list.cardNumbers())));
            }
            case "payments" -> {
                args.requireAllUsed();
                for (AcceptedPayment p : merchant.get("/merchant/payments", MerchantApi.Payments.class).payments()) {
                    out.println("  card " + p.cardNumber() + " ser# " + p.serial() + " " + p.amount() + ": "
                            + (p.collected() ? "COLLECTED" : p.status() + (p.code() == null || p.code().isEmpty() ? "" : " [" + p.code() + "]")));
                }
            }
            case "balances" -> {
                args.requireAllUsed();
                BankApi.LedgerView ledger = bank.get("/issuer/ledger", BankApi.LedgerView.class);
                ledger.accounts().stream().sorted(Comparator.comparing(BankApi.AccountView::id))
                        .forEach(a -> out.printf("  %-28s %14s%n", a.id(), a.balance()));
                out.println("  totals per currency (0 in double entry): " + ledger.totals());
            }
            case "alerts" -> {
                args.requireAllUsed();
                bank.get("/issuer/alerts", Alerts.class).alerts()
                        .forEach(a -> out.println("  " + a.createdAt() + " card " + a.cardNumber() + " [" + a.kind() + "] " + a.detail()));
            }
            default -> throw Args.usage("unknown command '" + command.strip() + "'");
        }
    }

    /** S2 (seed 002): the holder's split order, the bank's and the courier's desks. */
    private void splitOrder(String command, Args args, PartyClient bank, PartyClient shop, PartyClient courier, Path holders) {
        switch (command) {
            case "shopper enrol" -> {
                String holder = name(args, "holder");
                args.requireAllUsed();
                DirectoryKeys keys = Shopping.enrol(bank, holders.resolve(holder), holder);
                out.println(holder + " enrolled for split orders; X25519 key " + HexFormat.of().formatHex(keys.publicKey())
                        + " published in the bank's directory, private key in " + holders.resolve(holder));
            }
            case "payment-card issue" -> {
                String customer = args.required("customer");
                args.requireAllUsed();
                PaymentCard card = bank.post("/issuer/payment-cards", new OrderApi.IssuePaymentCard(customer), PaymentCard.class);
                out.println("payment card " + card.cardNumber() + " valid through " + card.expiry() + " issued to "
                        + card.holderName() + " (" + card.customerId() + ")");
            }
            case "shop catalogue" -> {
                args.requireAllUsed();
                OrderApi.Catalogue catalogue = shop.get("/merchant/shop/catalogue", OrderApi.Catalogue.class);
                out.println(catalogue.sellerId() + " sells:");
                catalogue.items().forEach(i -> out.printf("  %-14s %-28s %12s%n", i.sku(), i.name(), i.unitPrice()));
            }
            case "shop order" -> {
                String holder = name(args, "holder");
                OrderMessage.Basket basket = Shopping.basket(args.required("items"));
                Shopper.Details details = new Shopper.Details(args.required("contact"), args.required("card-number"),
                        args.required("expiry"), args.required("destination"));
                args.requireAllUsed();
                PairwiseKeys keys = Shopping.open(holders.resolve(holder), holder, bank);
                OrderMessage.Offer offer = Shopping.offer(shop, basket);
                out.println("offer " + offer.orderId() + " from " + offer.sellerId() + ": " + offer.itemsText() + " = "
                        + offer.amount() + "; card to " + offer.issuerId() + ", destination to " + offer.courierId());
                String bankId = bank.get("/issuer", BankApi.BankInfo.class).bankId();
                out.println(Shopping.describe(Shopping.place(keys, bankId, shop, offer, details)));
            }
            case "shop status" -> {
                String holder = name(args, "holder");
                String order = args.required("order");
                args.requireAllUsed();
                PairwiseKeys keys = Shopping.open(holders.resolve(holder), holder, bank);
                String seller = shop.get("/merchant", MerchantApi.MerchantInfo.class).merchantId();
                out.println(Shopping.describe(Shopping.status(keys, seller, shop, order)));
            }
            case "courier deliveries" -> {
                args.requireAllUsed();
                for (Delivery d : courier.get("/courier/deliveries", OrderApi.Deliveries.class).deliveries()) {
                    out.println("  " + d.trackingId() + " order " + d.orderId() + " of " + d.holderId() + " from " + d.sellerId()
                            + ": " + d.state() + "; " + d.parcel() + " to " + d.destination() + " (" + d.contact() + ")");
                }
            }
            case "courier advance" -> {
                String tracking = args.required("tracking");
                String stateName = args.required("state").toUpperCase(Locale.ROOT).replace('-', '_');
                OrderMessage.DeliveryState state = java.util.Arrays.stream(OrderMessage.DeliveryState.values())
                        .filter(s -> s.name().equals(stateName)).findFirst()
                        .orElseThrow(() -> Args.usage("--state is picked_up, delivered or failed"));
                args.requireAllUsed();
                OrderMessage.DeliveryReceipt receipt = courier.post("/courier/deliveries/" + tracking + "/status",
                        new OrderApi.Advance(state), OrderMessage.DeliveryReceipt.class);
                out.println("delivery " + receipt.trackingId() + " of order " + receipt.orderId() + ": " + receipt.state());
            }
            default -> throw Args.usage("unknown command '" + command + "'");
        }
    }

    /** S0 (seed 000): the device wallet of this machine, talking to the issuer's trade centre. */
    private void device(String command, Args args, PartyClient bank, Path devices) {
        HttpIssuerLink link = new HttpIssuerLink(bank);
        if (command.equals("device enrol")) {
            String customer = args.required("customer");
            args.requireAllUsed();
            TradeApi.EnrolmentCode code = bank.post("/issuer/devices/enrolments", new TradeApi.Enrol(customer), TradeApi.EnrolmentCode.class);
            out.println("enrolment code for " + customer + ": " + code.code() + " (single use, until " + code.expiresAt() + ")");
            return;
        }
        if (command.equals("device revoke")) {
            String id = args.required("id");
            args.requireAllUsed();
            DeviceView view = bank.post("/issuer/devices/" + id + "/revocation", new TradeApi.Revocation(), DeviceView.class);
            out.println("device " + view.deviceId() + " of " + view.customerId() + " is " + view.status() + " since " + view.revokedAt());
            return;
        }
        if (command.equals("device list")) {
            String customer = args.required("customer");
            args.requireAllUsed();
            for (DeviceView d : bank.get("/issuer/customers/" + customer + "/devices", TradeApi.Devices.class).devices()) {
                out.println("  " + d.deviceId() + " " + d.label() + " (" + d.order() + ") " + d.status()
                        + ", last counters in/out " + d.lastCounterFromDevice() + "/" + d.lastCounterToDevice());
            }
            return;
        }
        Path dir = devices.resolve(name(args, "device"));
        String serial = args.optional("serial").orElseGet(HardwareSerial::read);
        switch (command) {
            case "device register" -> {
                String customer = args.required("customer");
                String code = args.required("code");
                LayerOrder order = LayerOrder.valueOf(args.optional("order").orElse("asymmetric-inside").toUpperCase(Locale.ROOT).replace('-', '_'));
                String label = args.optional("label").orElse(dir.getFileName().toString());
                args.requireAllUsed();
                Wallet wallet = Files.exists(dir) ? Wallet.open(dir, serial) : Wallet.create(dir, serial);
                wallet.register(link, customer, code, order, label);
                out.println("device " + wallet.status().deviceId() + " registered for " + customer + " (layer order " + order + ")");
            }
            case "device balance" -> {
                args.requireAllUsed();
                show(Wallet.open(dir, serial).send(link, new TradeRequest.BalanceInquiry()));
            }
            case "device transfer" -> {
                var request = new TradeRequest.OwnTransfer(java.util.UUID.randomUUID().toString(), args.required("from"),
                        args.required("to"), Money.parse(args.required("amount")));
                args.requireAllUsed();
                show(Wallet.open(dir, serial).send(link, request));
            }
            case "device order" -> {
                var request = new TradeRequest.PurchaseOrder(java.util.UUID.randomUUID().toString(), args.required("payee"),
                        Money.parse(args.required("amount")), args.optional("details").orElse(""));
                args.requireAllUsed();
                show(Wallet.open(dir, serial).send(link, request));
            }
            default -> throw Args.usage("unknown command '" + command + "'");
        }
    }

    private void show(TradeResponse response) {
        switch (response) {
            case TradeResponse.Balances b -> b.accounts().forEach(a -> out.println("  " + a.account() + ": " + a.balance()));
            case TradeResponse.TransferDone t -> {
                out.println("transfer " + t.transferId() + " done");
                t.accounts().forEach(a -> out.println("  " + a.account() + ": " + a.balance()));
            }
            case TradeResponse.OrderPaid o -> out.println("order " + o.orderId() + " paid: " + o.amount() + " to " + o.merchantId()
                    + "; current account " + o.balance());
            case TradeResponse.Refused f -> throw new EscudoException(EscudoException.Kind.REFUSED, f.code(), f.message());
        }
    }

    private static String cardName(Args args) {
        return name(args, "card");
    }

    private static String name(Args args, String option) {
        String name = args.required(option);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw Args.usage("--" + option + " is a name of letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    private void show(CardStatus s) {
        out.println("  card " + s.cardNumber() + " (" + s.kind() + "): "
                + (s.kind() == CardKind.CHEQUE ? s.balance() + " cheque(s) left" : new Money(s.balance(), Money.currency(s.currency())))
                + ", next ser# " + s.nextSerial() + ", PIN tries left " + s.pinTriesLeft() + (s.locked() ? ", LOCKED" : "")
                + ", valid until " + s.validUntil());
    }

    /** Runs until the process is stopped; the shutdown hook closes servers and databases cleanly. */
    private int serve(NodeConfig config) {
        Node node = Node.start(config, System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "escudo-shutdown"));
        for (NodeConfig.Role role : NodeConfig.Role.values()) {
            node.party(role).ifPresent(p -> out.println(role.id() + " " + p.id() + " listening on " + p.uri()));
        }
        out.println("data in " + config.dataDir().toAbsolutePath() + "; Ctrl-C stops");
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("escudo-demo").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
