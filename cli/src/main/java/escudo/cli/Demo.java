package escudo.cli;

import escudo.cardos.CardOs;
import escudo.core.ErrorCode;
import escudo.s0.device.DeviceException;
import escudo.s0.protocol.TradeException;
import escudo.s2.protocol.OrderException;
import escudo.cardos.CardOsException;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.api.KioskApi;
import escudo.s1.api.ShopApi;
import escudo.s1.phone.CaLink;
import escudo.s1.phone.Credential;
import escudo.s1.phone.Phone;
import escudo.s1.phone.ServiceLink;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.KioskChallenge;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.RevocationReason;
import escudo.s4.applet.SimulatedCard;
import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.terminal.MemberTerminal;
import escudo.s4.terminal.ProviderSession;
import java.security.interfaces.ECPublicKey;
import java.math.BigInteger;
import java.time.Clock;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.http.Desk;
import escudo.node.spi.Secrets;
import java.util.Map;
import escudo.s3.api.Alerts;
import escudo.s0.device.HttpIssuerLink;
import escudo.s3.card.Card;
import escudo.s3.card.CardException;
import escudo.core.EscudoException;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.Digest;
import escudo.crypto.SigningKey;
import escudo.s3.server.issuer.IssuerException;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.DepositSummary;
import escudo.s3.server.merchant.MerchantException;
import escudo.s2.api.PaymentCard;
import escudo.s2.api.OrderApi;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import escudo.node.NodeConfig;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.http.PartyClient;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s0.device.HardwareSerial;
import escudo.s0.device.IssuerLink;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.device.Wallet;
import escudo.s0.api.TradeApi;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.s4.session.Order;
import escudo.s4.session.Phase;
import escudo.s4.session.ProviderKeys;
import escudo.s4.session.SessionApi;
import escudo.s4.session.SessionException;
import escudo.s4.session.SessionOptions;
import escudo.s4.terminal.CardSigner;
import escudo.s4.terminal.Hop;
import escudo.s4.terminal.Member;
import escudo.s4.protocol.P256;
import escudo.s4.protocol.CardLink;
import java.net.URI;
import java.util.ArrayList;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code escudo demo}: the bank, its merchants, a kiosk and a courier on the embedded default (H2
 * files, each party on its own port, real HTTP between them), and the stories of seeds 000 to 004
 * told step by step. Every step checks what it must; the demo exits 0 only if all of them behaved.
 */
final class Demo {

    private static final String BANK = "escudo-bank";
    private static final String PIN = "4321";
    private static final String TEA_SHOP = "tea-shop";
    private static final String COURIER = "escudo-courier";

    private final PrintWriter out;
    private final Path dataDir;
    private URI bankUri;
    private final Path artefacts;
    private int step;

    Demo(PrintWriter out, Path dataDir, Path artefacts) {
        this.out = out;
        this.dataDir = dataDir;
        this.artefacts = artefacts;
    }

    private static final List<String> ALL = List.of("bank", "s0", "s1", "s2", "s3", "s4");
    private static final List<String> S3_ONLY = List.of("bank", "s3");
    private static final List<String> S1_ONLY = List.of("bank", "s1");
    /** The book shop takes cards at its counter (S3) and the certified phone at its web checkout (S1). */
    private static final List<String> BOOK_SHOP = List.of("bank", "s1", "s3");
    private static final String KIOSK = "station-kiosk";
    /** The kiosk merchant's deposit key, registered at the bank as any merchant's. */
    private final SigningKey kioskKey = SigningKey.generate();

    void run() {
        out.println("Escudo demo: device-bound trade (seed 000), the certified phone (seed 001), split order (seed 002),"
                + " offline card payments (seed 003) and the multi-application card with its sessions (seed 004), data in " + dataDir);
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        String courierDeskToken = HexFormat.of().formatHex(token);
        try (PartyNode bankNode = party(Role.ISSUER, BANK, Map.of(), Secrets.ephemeral(SigningKey.generate()), ALL);
                PartyNode coffeeNode = merchant("coffee-shop", 30_00, bankNode, S3_ONLY);
                PartyNode booksNode = merchant("book-shop", 100_00, bankNode, BOOK_SHOP);
                PartyNode courierNode = party(Role.COURIER, COURIER, Map.of("escudo.issuer.url", bankNode.uri().toString()),
                        Secrets.ephemeral(SigningKey.generate(), courierDeskToken, bankNode.operatorToken()), ALL);
                PartyNode teaNode = party(Role.MERCHANT, TEA_SHOP, Map.of("escudo.issuer.url", bankNode.uri().toString(),
                        "escudo.merchant.online.limit", "10000", "escudo.courier.url", courierNode.uri().toString()),
                        Secrets.ephemeral(SigningKey.generate(), courierDeskToken + "-shop", bankNode.operatorToken()), ALL);
                PartyNode kioskNode = party(Role.MERCHANT, KIOSK, Map.of("escudo.issuer.url", bankNode.uri().toString(),
                        "escudo.s1.root", s1Root(bankNode).toString()),
                        Secrets.ephemeral(kioskKey), S1_ONLY);
                PartyClient bank = new PartyClient(bankNode.uri(), bankNode.operatorToken());
                PartyClient kiosk = new PartyClient(kioskNode.uri(), kioskNode.operatorToken());
                Counter coffee = new Counter(coffeeNode);
                Counter books = new Counter(booksNode);
                PartyClient tea = new PartyClient(teaNode.uri());
                PartyClient courier = new PartyClient(courierNode.uri(), courierDeskToken)) {
            Path requestLog = dataDir.resolve("requests.log");
            try (PrintWriter requests = new PrintWriter(Files.newBufferedWriter(requestLog, StandardCharsets.UTF_8));
                 RequestLog logging = RequestLog.to(requests)) {
                out.println("  bank        " + bankNode.uri() + "  key " + bank.get("/issuer", BankApi.BankInfo.class).publicKey().hex());
                out.println("  coffee-shop " + coffeeNode.uri() + "  (clears online above 30.00 EUR)");
                out.println("  book-shop   " + booksNode.uri() + "  (and its checkout " + booksNode.uri().resolve("/merchant/s1/shop") + ")");
                out.println("  tea-shop    " + teaNode.uri() + "  (web shop, ships with " + COURIER + ")");
                out.println("  courier     " + courierNode.uri());
                out.println("  kiosk       " + kioskNode.uri() + "  (unattended, approves with the certified phone; trusts the S1 root in s1-root.pem)");
                out.println("  every party's requests, one JSON line each, in " + requestLog);
                bankUri = bankNode.uri();
                story(bank, coffee, books, tea, courier, kiosk, kioskNode);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + requestLog, e);
            }
        }
        out.println();
        out.println("Every step behaved as it must.");
    }

    /**
     * A merchant's counter: its till, with the merchant's operator token, presents checkouts and
     * runs the merchant's own operations; the card holder's terminal reaches the shop with no token.
     */
    private record Counter(PartyClient till, PartyClient shop) implements AutoCloseable {

        Counter(PartyNode merchant) {
            this(new PartyClient(merchant.uri(), merchant.operatorToken()), new PartyClient(merchant.uri()));
        }

        /** The till presents {@code amount}; the holder's terminal pays it. */
        AcceptedPayment pay(Card card, Money amount, String details, String pin) {
            return CardHolder.pay(till, shop, card, amount, details, pin);
        }

        @Override
        public void close() {
            till.close();
            shop.close();
        }
    }

    /** A card-payments merchant that clears online above {@code onlineLimit}, with the systems of {@code features}. */
    private PartyNode merchant(String id, long onlineLimit, PartyNode bank, List<String> features) {
        return party(Role.MERCHANT, id, Map.of("escudo.issuer.url", bank.uri().toString(), "escudo.merchant.online.limit",
                Long.toString(onlineLimit)), Secrets.ephemeral(SigningKey.generate()), features);
    }

    /** A party of the demo on a free port, with its H2 database in the demo's data directory. */
    private PartyNode party(Role role, String id, Map<String, String> settings, Secrets secrets, List<String> features) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("escudo.issuer.id", BANK, "escudo.courier.id", COURIER));
        all.putAll(settings);
        all.putAll(Map.of("escudo." + role.id() + ".id", id, "escudo." + role.id() + ".port", "0", "escudo." + role.id() + ".jdbc.url",
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(id) + ";DB_CLOSE_ON_EXIT=FALSE"));
        return PartyNode.of(role, NodeConfig.of(all)).secrets(secrets)
                .features(PartyNode.installedFeatures().stream().filter(f -> features.contains(f.name())).toList()).start();
    }

    /** The bank's S1 root as its desk hands it to a kiosk's operator ({@code escudo certificate root}): a PEM file. */
    private Path s1Root(PartyNode bankNode) {
        Path file = dataDir.resolve("s1-root.pem");
        try (PartyClient bank = new PartyClient(bankNode.uri())) {
            Files.writeString(file, Artefacts.pem("CERTIFICATE", bank.get("/issuer/ca/root", byte[].class)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void story(PartyClient bank, Counter coffee, Counter books, PartyClient tea, PartyClient courier, PartyClient kiosk,
                       PartyNode kioskNode) {
        step("Accounts open (Figs. 2-3): merchants get deposit accounts, Alice a bank account");
        for (PartyClient shop : List.of(coffee.shop(), books.shop(), tea)) {
            MerchantApi.MerchantInfo info = shop.get("/merchant", MerchantApi.MerchantInfo.class);
            bank.post("/issuer/merchants", new BankApi.OpenMerchant(info.merchantId(), info.merchantId(), "EUR", info.publicKey()),
                    BankApi.Balance.class);
            say("merchant " + info.merchantId() + " registered with S_id and signing key " + info.publicKey().hex().substring(0, 16) + "...");
        }
        bank.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("200.00 EUR")), BankApi.Balance.class);
        say("Alice pays in 200.00 EUR");

        deviceBoundTrade(bank);

        step("Card issued (Fig. 4): card makes S_U, bank adds S_C, signs CARD-CERT, moves 50.00 EUR onto the card");
        Card card = CardHolder.issueCard(bank, dataDir.resolve("cards/alice"), "alice", CardKind.CASH, Money.parse("50.00 EUR"), PIN);
        String number = card.certificate().cardNumber();
        say("card " + number + ", joint key P = P_C + P_U = " + card.certificate().jointKey().hex().substring(0, 16) + "...");
        expect(balance(bank, "customers/alice").equals(Money.parse("130.00 EUR")), "Alice's current account holds 130.00 EUR");
        expect(card.status().balance() == 50_00, "the card holds 50.00 EUR");

        step("Offline payment (Figs. 7-8): 3.80 EUR at the coffee shop, no call to the bank");
        PaymentSpec presented = CardHolder.presentCheckout(coffee.till(), Money.parse("3.80 EUR"), "flat white");
        say("the till presents checkout " + presented.reference() + " (step 440); Alice's terminal fetches it by that reference");
        PaymentSpec firstSpec = coffee.shop().get("/merchant/checkouts/" + presented.reference(), PaymentSpec.class);
        PaymentCertificate first = card.pay(firstSpec, PIN);
        AcceptedPayment accepted = coffee.shop().post("/merchant/payments", new MerchantApi.Payment(card.certificate(), first),
                AcceptedPayment.class);
        expect(accepted.collected(), "the coffee shop verified and kept PAYMENT-CERT ser# " + first.serial() + " for its next deposit");
        say("the shop's payments and its till are its operator's: a terminal without its token neither lists nor presents");
        refused(Desk.OPERATOR_ONLY, () -> coffee.shop().get("/merchant/payments", MerchantApi.Payments.class));
        refused(Desk.OPERATOR_ONLY, () -> CardHolder.presentCheckout(coffee.shop(), Money.parse("0.01 EUR"), "spam"));
        if (artefacts != null) {
            Artefacts.write(artefacts, bank.get("/issuer", BankApi.BankInfo.class).publicKey(), card.certificate(), first);
            say("artefacts written to " + artefacts + " (verify with: openssl pkeyutl -verify -pubin -rawin ...; see README)");
        }

        step("Wrong PIN: the card refuses and counts");
        refused(CardException.WRONG_PIN, () -> books.pay(card, Money.parse("12.00 EUR"), "a novel", "1111"));
        expect(card.status().pinTriesLeft() == 2, "2 tries left");
        AcceptedPayment novel = books.pay(card, Money.parse("12.00 EUR"), "a novel", PIN);
        expect(novel.collected() && card.status().pinTriesLeft() == 3, "the right PIN pays 12.00 EUR at the book shop and resets the counter");

        step("Top-up (Fig. 10): the card asks for 20.00 EUR with a signed seq#, the bank's signed answer updates it");
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("20.00 EUR"), true, PIN);
        WithdrawalAck ack = bank.post("/issuer/withdrawals", request, WithdrawalAck.class);
        card.completeWithdrawal(ack);
        expect(card.status().balance() == 54_20, "the card holds 54.20 EUR (50.00 - 3.80 - 12.00 + 20.00)");
        expect(ack.renewed().isPresent(), "and a renewed CARD-CERT valid until " + card.certificate().validUntil());
        WithdrawalAck again = bank.post("/issuer/withdrawals", request, WithdrawalAck.class);
        expect(again.equals(ack) && card.status().balance() == 54_20,
                "the same request sent again (as after a lost answer) gets the same acknowledgement, and nothing moves twice");
        refused(CardException.NO_PENDING_WITHDRAWAL, () -> {
            card.completeWithdrawal(again);
            return null;
        });

        step("Online clearing: 35.00 EUR is above the coffee shop's limit, so it clears with the bank first");
        AcceptedPayment big = coffee.pay(card, Money.parse("35.00 EUR"), "coffee beans, 5 kg", PIN);
        expect(big.status() == Outcome.CLEARED, "cleared online before the beans left the shop");

        step("Double spend: someone copies the card's files; the clone and the card spend the same ser#");
        Path cloneDir = dataDir.resolve("cards/alice-clone");
        copy(dataDir.resolve("cards/alice"), cloneDir);
        Card clone = Card.open(cloneDir);
        AcceptedPayment genuine = coffee.pay(card, Money.parse("2.50 EUR"), "espresso", PIN);
        AcceptedPayment cloned = books.pay(clone, Money.parse("9.00 EUR"), "a thriller", PIN);
        expect(genuine.serial() == cloned.serial(), "both merchants accepted ser# " + genuine.serial() + " offline; neither can tell yet");

        step("Deposit (Fig. 9): each merchant sends its payments in one signed batch");
        DepositSummary coffeeDeposit = coffee.till().post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
        expect(coffeeDeposit.count(Outcome.CLEARED) == 2, "coffee-shop: 2 of 2 cleared");
        DepositSummary booksDeposit = books.till().post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
        expect(booksDeposit.count(Outcome.CLEARED) == 1, "book-shop: the novel cleared");
        DepositReceipt.Status caught = booksDeposit.statuses()
                .filter(s -> s.outcome() == Outcome.REFUSED).findFirst().orElseThrow(() -> new DemoFailure("the clone's payment was paid"));
        expect(IssuerException.DOUBLE_SPEND.value().equals(caught.code()), "book-shop: the clone's ser# " + caught.serial() + " refused: " + caught.detail());
        Alerts alerts = bank.get("/issuer/alerts", Alerts.class);
        expect(alerts.alerts().size() == 1, "the bank recorded an alert: " + alerts.alerts().getFirst().kind());

        step("Blacklist: merchants fetch the bank's signed list and refuse the card at the counter");
        coffee.till().post("/merchant/blacklist", new MerchantApi.Command(), escudo.s3.protocol.Blacklist.class);
        refused(MerchantException.CARD_BLACKLISTED, () -> coffee.pay(card, Money.parse("1.00 EUR"), "water", PIN));

        step("Lockout: Bob's credit card after three wrong PINs");
        bank.post("/issuer/customers", new BankApi.OpenCustomer("bob", "Bob", Money.parse("80.00 EUR")), BankApi.Balance.class);
        Card bobs = CardHolder.issueCard(bank, dataDir.resolve("cards/bob"), "bob", CardKind.CREDIT, Money.parse("100.00 EUR"), "2468");
        AcceptedPayment onCredit = books.pay(bobs, Money.parse("20.00 EUR"), "an atlas", "2468");
        expect(onCredit.collected(), "Bob pays 20.00 EUR on credit (limit 100.00 EUR)");
        refused(CardException.WRONG_PIN, () -> books.pay(bobs, Money.parse("5.00 EUR"), "a map", "0000"));
        refused(CardException.WRONG_PIN, () -> books.pay(bobs, Money.parse("5.00 EUR"), "a map", "1357"));
        refused(CardException.WRONG_PIN, () -> books.pay(bobs, Money.parse("5.00 EUR"), "a map", "9999"));
        refused(CardException.LOCKED, () -> books.pay(bobs, Money.parse("5.00 EUR"), "a map", "2468"));
        expect(bobs.status().locked(), "the card is locked, even for the right PIN");
        DepositSummary credit = books.till().post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
        expect(credit.count(Outcome.CLEARED) == 1 && credit.statuses().findFirst().orElseThrow().credited().equals(Money.parse("19.70 EUR")),
                "the bank pays book-shop 19.70 EUR from its own account (20.00 less 1.5 % fee); Bob owes 20.00 EUR");

        splitOrder(bank, tea, courier);
        certifiedPhone(bank, books, kiosk, kioskNode);
        multiApplicationCard(bank, books);
        cardSessions(bank, bankUri);

        step("Ledger (double entry): every account, and the sum per currency");
        BankApi.LedgerView ledger = bank.get("/issuer/ledger", BankApi.LedgerView.class);
        ledger.accounts().stream().sorted(Comparator.comparing(BankApi.AccountView::id))
                .forEach(a -> out.printf("      %-28s %14s%n", a.id(), a.balance()));
        expect(ledger.totals().values().stream().allMatch(t -> t == 0), "all balances sum to 0 per currency: no money created or lost");
        expect(balance(bank, "merchants/coffee-shop").equals(Money.parse("41.30 EUR")), "coffee-shop holds 41.30 EUR");
        expect(balance(bank, "merchants/book-shop").equals(Money.parse("39.70 EUR")), "book-shop holds 39.70 EUR (31.70 by card, 8.00 approved on the phone)");
    }

    /** S2, seed 002 (Fig. 1): basket to delivery, each party reading only its part of the order. */
    private void splitOrder(PartyClient bank, PartyClient tea, PartyClient courier) {
        step("S2 (seed 002): Alice buys tea online; the shop, the bank and the courier each read only their part");
        PaymentCard card = bank.post("/issuer/payment-cards", new OrderApi.IssuePaymentCard("alice"), PaymentCard.class);
        say("the bank issues Alice payment card " + card.masked() + " valid through " + card.expiry());
        DirectoryKeys alice = Shopping.enrol(bank, dataDir.resolve("holders/alice"), "alice");
        say("Alice's X25519 key goes into the bank's key directory; the shop, bank and courier keys are there already");
        PairwiseKeys holder = Shopping.open(dataDir.resolve("holders/alice"), alice.myId(), bank);

        OrderMessage.Offer offer = Shopping.offer(tea, Shopping.basket("tea-green-100g:2,mug:1"));
        say("the shop's order form " + offer.orderId() + ": " + offer.itemsText() + " = " + offer.amount()
                + "; card number and expiry for " + offer.issuerId() + " only, destination for " + offer.courierId() + " only");
        Shopper.Details details = new Shopper.Details("Alice, +34 600 000 000", card.cardNumber(), card.expiry(),
                "Calle Mayor 1, 28013 Madrid");
        Money before = balance(bank, "customers/alice");
        OrderMessage.OrderStatus placed = Shopping.place(holder, BANK, tea, offer, details);
        say(Shopping.describe(placed));
        expect(placed.state() == OrderMessage.OrderState.DISPATCHED,
                "the shop checked its part, the bank held the amount, the courier accepted its part");
        expect(balance(bank, "customers/alice").equals(before)
                        && balance(bank, "merchants/" + TEA_SHOP).equals(Money.parse("0.00 EUR")),
                "nothing is paid while the parcel is still at the shop: the bank only holds " + offer.amount()
                        + " of Alice's account for tea-shop, so she cannot spend it twice");

        OrderApi.Deliveries deliveries = courier.get("/courier/deliveries", OrderApi.Deliveries.class);
        expect(deliveries.deliveries().size() == 1 && deliveries.deliveries().getFirst().destination().equals(details.destination()),
                "only the courier knows where the parcel goes: " + details.destination());
        courier.post("/courier/deliveries/" + placed.trackingId() + "/status", new OrderApi.Advance(OrderMessage.DeliveryState.PICKED_UP),
                OrderMessage.DeliveryReceipt.class);
        OrderMessage.OrderStatus pickedUp = Shopping.status(holder, TEA_SHOP, tea, offer.orderId());
        expect(pickedUp.state() == OrderMessage.OrderState.DISPATCHED,
                "the courier picks the parcel up; Alice asks the shop, which learns of the pickup and captures the payment");
        expect(balance(bank, "customers/alice").equals(before.minus(offer.amount())),
                "Alice's current account paid " + offer.amount());
        expect(balance(bank, "merchants/" + TEA_SHOP).equals(offer.amount()), "tea-shop was paid " + offer.amount());
        courier.post("/courier/deliveries/" + placed.trackingId() + "/status", new OrderApi.Advance(OrderMessage.DeliveryState.DELIVERED),
                OrderMessage.DeliveryReceipt.class);
        OrderMessage.OrderStatus status = Shopping.status(holder, TEA_SHOP, tea, offer.orderId());
        expect(status.state() == OrderMessage.OrderState.DELIVERED, "Alice asks the shop: " + Shopping.describe(status));
        expect(balance(bank, "merchants/" + TEA_SHOP).equals(offer.amount()), "and tea-shop was paid once");

        refused(OrderException.REPLAYED, () -> Shopping.place(holder, BANK, tea, offer, details));
        OrderMessage.Offer another = Shopping.offer(tea, Shopping.basket("kettle:1"));
        refused(OrderException.CARD_DECLINED, () -> Shopping.place(holder, BANK, tea, another,
                new Shopper.Details(details.contact(), card.cardNumber(), "01/21", details.destination())));
        expect(balance(bank, "merchants/" + TEA_SHOP).equals(offer.amount()), "the refusals moved no money");
    }

    /** S0, seed 000: registration (Figs. 11-14) and one protected exchange (Fig. 10 order). */
    private void deviceBoundTrade(PartyClient bank) {
        step("S0 (seed 000): Alice's laptop registers with the bank's trade centre, bound to its hardware serial");
        String serial;
        try {
            serial = HardwareSerial.read();
            say("hardware serial of this machine read (DMI product UUID or machine id; never shown)");
        } catch (EscudoException e) {
            serial = "simulated-laptop-serial";
            say("this machine exposes no hardware serial (" + e.getMessage() + "); the laptop is simulated");
        }
        TradeApi.EnrolmentCode code = bank.post("/issuer/devices/enrolments", new TradeApi.Enrol("alice"), TradeApi.EnrolmentCode.class);
        say("the bank's desk gives Alice a one-time enrolment code, valid until " + code.expiresAt());
        RecordingLink link = new RecordingLink(new HttpIssuerLink(bank));
        Wallet laptop = Wallet.create(dataDir.resolve("devices/alice-laptop"), serial);
        laptop.register(link, "alice", code.code(), LayerOrder.ASYMMETRIC_INSIDE, "Alice's laptop");
        expect(laptop.status().registered(), "device " + laptop.status().deviceId()
                + " registered: keys, serial and enrolment code sealed to the bank (HPKE), secret sealed back");
        TradeResponse balances = laptop.send(link, new TradeRequest.BalanceInquiry());
        expect(balances instanceof TradeResponse.Balances b && b.accounts().getFirst().balance().equals(Money.parse("200.00 EUR")),
                "balance inquiry, Es(Ea(m)) both ways: current account 200.00 EUR");
        TradeResponse moved = laptop.send(link, new TradeRequest.OwnTransfer("demo-1", "current", "savings", Money.parse("20.00 EUR")));
        expect(moved instanceof TradeResponse.TransferDone, "20.00 EUR moved from current to savings by a protected trade message");
        refused(TradeException.REPLAYED, link::replayLast);
        Path copy = dataDir.resolve("devices/alice-laptop-copied");
        copy(dataDir.resolve("devices/alice-laptop"), copy);
        refused(DeviceException.WRONG_HARDWARE, () -> Wallet.open(copy, "serial-of-another-machine"));
    }

    /**
     * S1, seed 001: enrolment with the desk's reference number (S100-S140), then Flow A (Fig. 3): a
     * transfer started on the PC, approved on the phone, carried out once; Flow B (Fig. 5): a purchase
     * handed over by QR code; Flow C (Fig. 7) at a kiosk; a revoked certificate refused.
     */
    private void certifiedPhone(PartyClient bank, Counter books, PartyClient kiosk, PartyNode kioskNode) {
        step("S1 (seed 001): Alice's phone gets a certificate from the bank's CA and approves a transfer started on her PC");
        String number = "+34600000000";
        String phonePin = "1590";
        CaApi.Reference reference = bank.post("/issuer/ca/enrolments", new CaApi.Enrol("alice", number), CaApi.Reference.class);
        say("the bank's desk checks Alice's identity and gives her reference number " + reference.reference()
                + " and a one-time secret, valid until " + reference.expiresAt());
        Phone phone = Phone.create(dataDir.resolve("phones/alice"), phonePin, Clock.systemUTC());
        CaLink ca = CaLink.http(bank.baseUri());
        refused(CardOsException.WRONG_PIN, () -> phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), "0000"));
        Credential credential = phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), phonePin);
        BigInteger serial = credential.serial();
        expect(credential.confirmed() && credential.user().phoneNumber().equals(number), "the phone made its own P-256 key and enrolled it by CMP"
                + " (ir, ip, certConf, pkiConf): certificate " + serial.toString(16) + " names " + credential.user().name() + ", " + number);
        try (PartyClient pc = new PartyClient(bank.baseUri()); ServiceLink toTheBank = new ServiceLink(bank.baseUri())) {
            Money bobBefore = balance(bank, "customers/bob");
            ApprovalApi.Started started = pc.post("/issuer/s1/approvals/transfers", new ApprovalApi.StartTransfer("alice", number, "bob",
                    Money.parse("15.00 EUR"), "concert tickets"), ApprovalApi.Started.class);
            say("Alice's PC starts a transfer of 15.00 EUR to Bob for her phone; its page follows approval " + started.approvalId());
            ApprovalRequest request = phone.pending(toTheBank, serial).getFirst();
            say("the phone fetches it, proving it holds its key, and shows: " + String.join(" / ", request.display()));
            ApprovalApi.Status done = phone.approve(toTheBank, serial, request, phonePin);
            expect(done.status() == ApprovalStatus.DONE && balance(bank, "customers/bob").equals(bobBefore.plus(Money.parse("15.00 EUR"))),
                    "signed as CMS with the PIN, checked (chain, revocation, user, content byte for byte) and carried out once: Bob has 15.00 EUR more");
            refused(ApprovalException.DONE, () -> toTheBank.approve(request.approvalId(), phone.sign(serial, request, phonePin)));
            step("S1, Flow B (Figs. 4-5): at the book shop's web checkout, a QR code on the PC's screen to the phone, and a signed file back");
            Money shopBefore = balance(bank, "merchants/book-shop");
            books.till().put("/merchant/s1/shop/items/guide", new ShopApi.PutItem("a travel guide", Money.parse("8.00 EUR")), ShopApi.Item.class);
            ShopApi.Placed order = books.shop().post("/merchant/s1/shop/orders", new ShopApi.Order("guide", "alice", number, ShopApi.Flow.CODE),
                    ShopApi.Placed.class);
            say("Alice picks " + order.item() + " at " + order.amount() + "; the shop asks the bank for the approval at its own price"
                    + " (the bank keeps nothing yet) and its page shows the bank's code, a new frame each second");
            byte[] screen = books.shop().post("/merchant/s1/shop/orders/" + order.orderId() + "/frame", new ShopApi.Ask(), byte[].class);
            QrFrame frame = Phone.scan(screen);
            say("the phone reads the image (" + screen.length + " bytes of PNG) and shows: " + String.join(" / ", frame.request().display()));
            refused(CardOsException.WRONG_PIN, () -> phone.sign(serial, frame, "0000"));
            byte[] signedPurchase = phone.sign(serial, frame, phonePin);
            Path handedOver = write(dataDir.resolve("phones/approval-" + frame.request().approvalId() + ".p7m"), signedPurchase);
            say("with the right PIN the phone signs the frame it read, and hands the signature to the PC as " + handedOver.getFileName());
            ShopApi.Status paid = books.shop().post("/merchant/s1/shop/orders/" + order.orderId() + "/signature",
                    new ApprovalApi.Signature(Bytes.of(signedPurchase)), ShopApi.Status.class);
            expect(paid.status() == ApprovalStatus.DONE && balance(bank, "merchants/book-shop").equals(shopBefore.plus(Money.parse("8.00 EUR"))),
                    "the page forwards it through the shop; the bank checks that it made that frame and that it is fresh, then all"
                    + " that Flow A checks: 8.00 EUR from Alice to the book shop, once");
            refused(ApprovalException.DONE, () -> books.shop().post("/merchant/s1/shop/orders/" + order.orderId() + "/signature",
                    new ApprovalApi.Signature(Bytes.of(signedPurchase)), ShopApi.Status.class));
            step("S1, Flow C (Figs. 6-7): at an unattended kiosk Alice's phone signs the kiosk's challenge for a ticket");
            bank.post("/issuer/merchants", new BankApi.OpenMerchant(KIOSK, "Station kiosk", "EUR", kioskKey.verifyingKey()), BankApi.Balance.class);
            KioskChallenge challenge = kiosk.post("/merchant/s1/kiosk/challenges", new KioskApi.Pick("a day ticket", Money.parse("4.00 EUR")),
                    KioskApi.Challenge.class).challenge();
            say("the kiosk shows challenge " + challenge.challengeId() + ": " + challenge.item() + ", " + challenge.amount() + ", until "
                    + challenge.expiresAt());
            byte[] signedChallenge = phone.sign(serial, challenge, phonePin);
            try (PartyClient atTheKiosk = new PartyClient(kioskNode.uri())) {
                KioskApi.Dispensed dispensed = atTheKiosk.post("/merchant/s1/kiosk/challenges/" + challenge.challengeId() + "/presentation",
                        new KioskApi.Presentation(Bytes.of(signedChallenge)), KioskApi.Dispensed.class);
                expect(dispensed.standing().equals("online"), "the kiosk checks the signature and the chain itself, asks the CA by OCSP,"
                        + " and dispenses " + dispensed.item());
                refused(ApprovalException.DONE, () -> atTheKiosk.post("/merchant/s1/kiosk/challenges/" + challenge.challengeId() + "/presentation",
                        new KioskApi.Presentation(Bytes.of(signedChallenge)), KioskApi.Dispensed.class));
            }
            KioskApi.Collection collected = kiosk.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class);
            expect(collected.total().equals(Money.parse("4.00 EUR")) && balance(bank, "merchants/" + KIOSK).equals(Money.parse("4.00 EUR")),
                    "the kiosk's merchant collects the signed challenge from the bank: 4.00 EUR from Alice's account, once");
            pc.post("/issuer/s1/approvals/transfers", new ApprovalApi.StartTransfer("alice", number, "bob", Money.parse("5.00 EUR"), "more tickets"),
                    ApprovalApi.Started.class);
            bank.post("/issuer/ca/certificates/" + serial.toString(16) + "/revocation", new CaApi.Revoke(RevocationReason.KEY_COMPROMISE),
                    CaApi.CertificateView.class);
            say("Alice reports her phone stolen: the desk revokes the certificate, and the CA's OCSP answer says so at once");
            refused(CertificateException.REVOKED, () -> phone.pending(toTheBank, serial));
        }
    }

    /**
     * S4, seed 004 (claims 1-12): one card with several applications. Alice's replacement S3 card
     * gets the S4 card OS beside its cash application, under the card's one PIN; two providers
     * each write only their own record after authenticating with their own key; the PIN locks the
     * whole card and only the issuer unblocks it. Then the same card OS as a Java Card applet.
     */
    private void multiApplicationCard(PartyClient bank, Counter books) {
        step("S4 (seed 004): Alice's new card carries S3's cash application, the bank's debit application and a metro ticket");
        Path dir = dataDir.resolve("cards/alice-2");
        CardHolder.issueCard(bank, dir, "alice", CardKind.CASH, Money.parse("20.00 EUR"), PIN);
        CardOs os = CardOs.open(dir); // one card OS for both applications in this process
        byte[] issuerKey = randomKey();
        try (MemberTerminal terminal = new MemberTerminal(SoftwareCard.install(os, BANK, issuerKey, "Alice", PIN))) {
            MemberTerminal.CardInfo card = terminal.select();
            say("the bank issues her a new S3 card with 20.00 EUR and installs the S4 card OS " + card.serial()
                    + " beside it (ECDSA and ECDH on P-256, AES-128 keys), under the card's one PIN");
            ECPublicKey debit = twoProviders(terminal, issuerKey);
            say("someone who found the card guesses the PIN:");
            for (int i = 0; i < CardCommands.PIN_TRIES; i++) {
                refused(CardStatus.WRONG_PIN.code(), () -> {
                    terminal.verifyPin("0000");
                    return null;
                });
            }
            refused(CardStatus.PIN_BLOCKED.code(), () -> {
                terminal.verifyPin(PIN);
                return null;
            });
            Card cash = Card.open(os);
            say("the lock is the card's, so its cash application refuses too:");
            refused(CardException.LOCKED, () -> books.pay(cash, Money.parse("4.50 EUR"), "a paperback", PIN));
            terminal.authenticate(BANK, issuerKey).resetRetryCounter(PIN);
            terminal.select();
            terminal.verifyPin(PIN);
            byte[] hash = Digest.sha256("pay 3.20 EUR to the metro".getBytes(StandardCharsets.UTF_8));
            expect(verifies(debit, "pay 3.20 EUR to the metro", terminal.sign("debit", 1, hash)),
                    "only the issuer unblocks the PIN; then the debit record's key, on the card, signs and the signature verifies");
            expect(books.pay(cash, Money.parse("4.50 EUR"), "a paperback", PIN).collected(),
                    "and the cash application on the same card pays 4.50 EUR at the book shop, offline");
        }

        step("S4 on a Java Card: the same card OS as a Java Card 3.0.5 applet in jCardSim, the same APDUs and status words");
        byte[] appletIssuerKey = randomKey();
        try (MemberTerminal terminal = new MemberTerminal(SimulatedCard.issue(BANK, appletIssuerKey, "Alice", PIN))) {
            say("the bank personalises applet " + terminal.select().serial() + "; 'escudo card simulator' serves such a card to other processes");
            ECPublicKey debit = twoProviders(terminal, appletIssuerKey);
            terminal.verifyPin(PIN);
            byte[] hash = Digest.sha256("pay 1.90 EUR to the metro".getBytes(StandardCharsets.UTF_8));
            expect(verifies(debit, "pay 1.90 EUR to the metro", terminal.sign("debit", 1, hash)),
                    "the applet's debit key signs after the PIN, and the signature verifies");
        }
    }

    /**
     * S4, part 2 (seed 004, claims 13-53): card members' sessions with the bank as service provider,
     * each hop its own HTTP server: flatmates in series through a router, then an expense up a
     * company hierarchy under hybrid post-quantum keys, and a combined transaction that one member
     * cannot pay, which nobody then pays.
     */
    private void cardSessions(PartyClient bank, URI bankUri) {
        step("S4 sessions (seed 004, claims 13-53): three flatmates pay one electricity bill in one combined transaction; a fourth only routes");
        URI provider = bankUri.resolve("/issuer/s4/messages");
        ProviderKeys keys = bank.get("/issuer/s4/provider", SessionApi.ProviderInfo.class).keys();
        for (String merchant : List.of("power-co", "travel-co")) {
            bank.post("/issuer/merchants", new BankApi.OpenMerchant(merchant, merchant, "EUR", SigningKey.generate().verifyingKey()),
                    BankApi.Balance.class);
        }
        List<AutoCloseable> open = new ArrayList<>();
        try {
            bank.post("/issuer/customers", new BankApi.OpenCustomer("carol", "Carol", Money.parse("60.00 EUR")), BankApi.Balance.class);
            Member alice = sessionMember(bank, keys, "alice", false, SessionOptions.DEFAULT, open);
            Member bob = sessionMember(bank, keys, "bob", true, SessionOptions.DEFAULT, open);
            Member carol = sessionMember(bank, keys, "carol", false, SessionOptions.DEFAULT, open);
            say("each flatmate's card carries the bank's debit record (Bob's on the Java Card applet); the desk registered its key");
            Hop atCarol = opened(open, Hop.participant(carol, 1, provider));
            Hop atDave = opened(open, Hop.router(atCarol.uri()));
            Hop atBob = opened(open, Hop.participant(bob, 1, atDave.uri()));
            say("the path: Alice -> Bob (adds his part and signs) -> Dave (routes, reads nothing) -> Carol (adds hers and signs) -> the bank");
            Money aliceBefore = balance(bank, "customers/alice");
            alice.send(Phase.KEY_EXCHANGE, atBob.uri());
            expect(alice.session().others().size() == 2, "key exchange: each challenge sealed to the bank (HPKE), each session key and the bank's"
                    + " challenge sealed back to a fresh key of that member, and one combined answer naming the others' card keys (claims 28, 41, 49)");
            for (Member flatmate : List.of(alice, bob, carol)) {
                flatmate.order(new Order(flatmate == alice ? "alice" : flatmate == bob ? "bob" : "carol", Money.parse("25.00 EUR"), "power-co",
                        "electricity 2026-11, a third"));
            }
            alice.send(Phase.TRANSACTION, atBob.uri());
            expect(List.of(alice, bob, carol).stream().allMatch(m -> m.outcome().status().equals(escudo.s4.session.Outcome.PAID))
                            && balance(bank, "merchants/power-co").equals(Money.parse("75.00 EUR"))
                            && balance(bank, "customers/alice").equals(aliceBefore.minus(Money.parse("25.00 EUR"))),
                    "each order sealed under its own session key and answered to its own challenge; the bank pays power-co 75.00 EUR, 25.00 from each");
            alice.send(Phase.ACKNOWLEDGEMENT, atBob.uri());
            say("each acknowledges; the session ends, and its keys open nothing more:");
            refused(SessionException.ENDED, () -> {
                alice.send(Phase.TRANSACTION, atBob.uri());
                return null;
            });

            step("S4 sessions in a hierarchy X(j,k) (claims 43-44): two employees' expenses approved by their manager and the director, paid in one answer");
            SessionOptions hybrid = new SessionOptions(false, true, true);
            for (String employee : List.of("erin", "frank", "grace", "heidi")) {
                bank.post("/issuer/customers", new BankApi.OpenCustomer(employee, employee, Money.parse("300.00 EUR")), BankApi.Balance.class);
            }
            Member erin = sessionMember(bank, keys, "erin", false, hybrid, open);
            Member frank = sessionMember(bank, keys, "frank", true, hybrid, open);
            Member grace = sessionMember(bank, keys, "grace", false, hybrid, open);
            Member heidi = sessionMember(bank, keys, "heidi", false, hybrid, open);
            Hop atHeidi = opened(open, Hop.participant(heidi, 1, provider));
            Hop atGrace = opened(open, Hop.participant(grace, 2, atHeidi.uri()));
            say("Erin and Frank -> Grace, their manager (combines both and signs) -> Heidi, the director (signs) -> the bank;"
                    + " keys sealed inside the first cryptogram, session secrets under X25519 and ML-KEM-768 both");
            erin.order(new Order("erin", Money.parse("180.00 EUR"), "travel-co", "offsite hotel"));
            frank.order(new Order("frank", Money.parse("95.00 EUR"), "travel-co", "offsite train"));
            grace.order(new Order("grace", Money.parse("0.00 EUR"), "travel-co", "approved, manager"));
            heidi.order(new Order("heidi", Money.parse("0.00 EUR"), "travel-co", "approved, director"));
            inHierarchy(erin, frank, atGrace.uri(), Phase.KEY_EXCHANGE);
            inHierarchy(erin, frank, atGrace.uri(), Phase.TRANSACTION);
            expect(heidi.outcome().status().equals(escudo.s4.session.Outcome.APPROVED) && erin.outcome().status().equals(escudo.s4.session.Outcome.PAID)
                            && balance(bank, "merchants/travel-co").equals(Money.parse("275.00 EUR")),
                    "the manager and the director approve, and the bank pays travel-co 275.00 EUR in the same answer");
            inHierarchy(erin, frank, atGrace.uri(), Phase.ACKNOWLEDGEMENT);
            say("a second trip: Erin's 180.00 EUR is more than her account holds now, so nobody pays:");
            inHierarchy(erin, frank, atGrace.uri(), Phase.KEY_EXCHANGE);
            inHierarchy(erin, frank, atGrace.uri(), Phase.TRANSACTION);
            expect(erin.outcome().refused() && frank.outcome().refused() && balance(bank, "merchants/travel-co").equals(Money.parse("275.00 EUR")),
                    "refused [" + frank.outcome().refusal() + "] for every member; travel-co still holds 275.00 EUR");
            inHierarchy(erin, frank, atGrace.uri(), Phase.ACKNOWLEDGEMENT);
        } finally {
            for (AutoCloseable resource : open.reversed()) {
                try {
                    resource.close();
                } catch (Exception e) {
                    out.println("   (could not close " + resource + ": " + e.getMessage() + ")");
                }
            }
        }
    }

    /** The two employees send the same phase at once; their manager's hop combines both. */
    private static void inHierarchy(Member first, Member second, URI manager, Phase phase) {
        Thread other = Thread.ofVirtual().start(() -> second.send(phase, manager));
        first.send(phase, manager);
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        }
    }

    /**
     * A customer's card (the software card, or the Java Card applet) with the bank's debit record
     * naming the customer's account, the desk's registration of its key, and the member on it, its PIN verified.
     */
    private Member sessionMember(PartyClient bank, ProviderKeys keys, String customer, boolean javaCard, SessionOptions options,
                                 List<AutoCloseable> open) {
        byte[] issuerKey = randomKey();
        byte[] debitKey = randomKey();
        CardLink card = javaCard ? SimulatedCard.issue(BANK, issuerKey, customer, PIN)
                : SoftwareCard.issue(dataDir.resolve("cards/" + customer + "-s4"), BANK, issuerKey, customer, PIN);
        MemberTerminal terminal = opened(open, new MemberTerminal(card));
        terminal.select();
        terminal.authenticate(BANK, issuerKey).createDomain("debit", debitKey);
        terminal.authenticate("debit", debitKey).createRecord(1, KeyType.SIGNING, Instrument.DEBIT,
                new Access(Condition.ALWAYS, Condition.PIN, Condition.PROVIDER), "current account", customer.getBytes(StandardCharsets.UTF_8));
        terminal.select();
        terminal.verifyPin(PIN);
        CardSigner signer = new CardSigner(terminal, "debit", 1);
        bank.post("/issuer/s4/members", new SessionApi.Register(customer, Bytes.of(P256.encode(signer.publicKey()))), SessionApi.Registered.class);
        return new Member(keys, signer, options);
    }

    private static <T extends AutoCloseable> T opened(List<AutoCloseable> open, T resource) {
        open.add(resource);
        return resource;
    }

    /** The issuer loads the debit and metro domains, each provider creates its record, and metro is refused on debit's. */
    private ECPublicKey twoProviders(MemberTerminal terminal, byte[] issuerKey) {
        byte[] debitKey = randomKey();
        byte[] metroKey = randomKey();
        ProviderSession issuer = terminal.authenticate(BANK, issuerKey);
        issuer.createDomain("debit", debitKey);
        issuer.createDomain("metro", metroKey);
        say("the issuer, after a mutual challenge-response with its key (SCP03 style), loads two providers' domains, each with its own key");
        ECPublicKey debit = terminal.authenticate("debit", debitKey).createRecord(1, KeyType.SIGNING, Instrument.DEBIT,
                new Access(Condition.ALWAYS, Condition.PIN, Condition.PROVIDER), "current account", "alice".getBytes(StandardCharsets.UTF_8));
        terminal.authenticate("metro", metroKey).createRecord(1, KeyType.AGREEMENT, Instrument.STORED_VALUE,
                new Access(Condition.PIN, Condition.ALWAYS, Condition.PROVIDER), "metro pass", "20 rides".getBytes(StandardCharsets.UTF_8));
        terminal.select();
        expect(terminal.domains().equals(List.of("debit", "metro")) && terminal.records("metro").isEmpty(),
                "each provider created its record, whose key pair the card made; the metro pass is listed only after the PIN");
        say("the metro operator authenticates with its own key and tries to write the bank's record:");
        refused(CardStatus.SECURITY_STATUS.code(), () -> {
            terminal.authenticate("metro", metroKey).updateRecord("debit", 1, "mallory".getBytes(StandardCharsets.UTF_8));
            return null;
        });
        terminal.select();
        return debit;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static boolean verifies(ECPublicKey key, String message, byte[] signature) {
        try {
            java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(message.getBytes(StandardCharsets.UTF_8));
            return ecdsa.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** Remembers the last message sent, so the demo can replay it as an attacker would. */
    private static final class RecordingLink implements IssuerLink {
        private final IssuerLink delegate;
        private TradeEnvelope last;

        RecordingLink(IssuerLink delegate) {
            this.delegate = delegate;
        }

        @Override
        public RegistrationInfo registrationInfo() {
            return delegate.registrationInfo();
        }

        @Override
        public RegistrationReceipt register(byte[] sealedRegistration) {
            return delegate.register(sealedRegistration);
        }

        @Override
        public TradeEnvelope exchange(TradeEnvelope request) {
            last = request;
            return delegate.exchange(request);
        }

        TradeEnvelope replayLast() {
            return delegate.exchange(last);
        }
    }

    private static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Money balance(PartyClient bank, String path) {
        return bank.get("/issuer/" + path, BankApi.Balance.class).balance();
    }

    private void step(String title) {
        out.println();
        out.println(++step + ". " + title);
    }

    private void say(String line) {
        out.println("   " + line);
    }

    private void expect(boolean condition, String what) {
        if (!condition) {
            throw new DemoFailure("expected: " + what);
        }
        out.println("   ok  " + what);
    }

    private void refused(ErrorCode code, Supplier<?> action) {
        try {
            action.get();
        } catch (EscudoException e) {
            if (e.code() != code) {
                throw new DemoFailure("expected refusal " + code + " but got " + e.code() + ": " + e.getMessage());
            }
            out.println("   ok  refused [" + e.code() + "] " + e.getMessage());
            return;
        }
        throw new DemoFailure("expected refusal " + code + " but it was accepted");
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A step did not behave as it must. */
    static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }
}
