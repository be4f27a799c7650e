package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.node.PartyNode;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.ShopApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.Transaction;
import escudo.s1.server.shop.Shop;
import escudo.testing.TestClock;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001 at a merchant's web shop, over HTTP between a bank node and the shop's node: the shop's
 * page orders at the shop's price, the shop asks the bank for the approval as a relying party and
 * follows it for the page; Flow A (the bank rings the phone) and Flow B (the page shows the bank's
 * code, the shop forwards the signature). The money moves at the bank into the shop's account, once.
 */
class ShopTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";
    private static final String SHOP = "corner-books";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private PartyNode shopNode;
    private PartyClient desk;
    private PartyClient page;
    private ServiceLink network;
    private Phone phone;
    private BigInteger certificate;

    @BeforeEach
    void start() {
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, true);
        shopNode = S1Bank.merchant(bank, dir, clock, SHOP, "Corner Books", bank.uri(), Map.of());
        desk = new PartyClient(shopNode.uri(), shopNode.operatorToken());
        page = new PartyClient(shopNode.uri());
        desk.put("/merchant/s1/shop/items/atlas", new ShopApi.PutItem("a world atlas", Money.parse("30.00 EUR")), ShopApi.Item.class);
        desk.put("/merchant/s1/shop/items/guide", new ShopApi.PutItem("a travel guide", Money.parse("12.00 EUR")), ShopApi.Item.class);
        network = new ServiceLink(bank.uri());
        S1Bank.Enrolled alice = S1Bank.phone(bank, dir.resolve("phone"), clock, "alice", PHONE, PIN);
        phone = alice.phone();
        certificate = alice.serial();
    }

    @AfterEach
    void stop() {
        escudo.node.testing.Resources.closeAll(network, page, desk, shopNode, bank);
    }

    @Test
    void theShopsPageSellsAtTheShopsPriceAndTheBankRingsThePhone() {
        assertEquals(List.of(new ShopApi.Item("atlas", "a world atlas", Money.parse("30.00 EUR")),
                new ShopApi.Item("guide", "a travel guide", Money.parse("12.00 EUR"))), page.get("/merchant/s1/shop/items", ShopApi.Items.class).items());
        ShopApi.Placed placed = order("guide", ShopApi.Flow.PHONE);
        assertEquals(Money.parse("12.00 EUR"), placed.amount());
        assertEquals(ApprovalStatus.WAITING, collect(placed).status());

        ApprovalRequest request = phone.pending(network, certificate).getFirst();
        assertEquals(new Transaction.Purchase(SHOP, "Corner Books", Money.parse("12.00 EUR"), "a travel guide"), request.transaction());
        assertEquals(ApprovalStatus.DELIVERED, collect(placed).status());
        phone.approve(network, certificate, request, PIN);
        ShopApi.Status paid = collect(placed);
        assertEquals(ApprovalStatus.DONE, paid.status());
        assertEquals("signed and done", paid.hint());
        assertBalances("88.00 EUR", "12.00 EUR");
        assertEquals(ApprovalStatus.DONE, desk.get("/merchant/s1/shop/orders", ShopApi.Orders.class).orders().getFirst().status());

        ShopApi.Placed cancelled = order("atlas", ShopApi.Flow.PHONE);
        ApprovalRequest shown = phone.pending(network, certificate).getFirst();
        assertEquals(ApprovalStatus.CANCELLED, page.post("/merchant/s1/shop/orders/" + cancelled.orderId() + "/cancel", new ShopApi.Ask(),
                ShopApi.Status.class).status());
        assertRefused(ApprovalException.CANCELLED, () -> phone.approve(network, certificate, shown, PIN));
        assertEquals(ApprovalStatus.CANCELLED, collect(cancelled).status());
        assertRefused(Shop.WRONG_FLOW, () -> frame(cancelled));
        assertBalances("88.00 EUR", "12.00 EUR");
    }

    @Test
    void thePageShowsTheBanksCodeAndTheShopForwardsWhatThePhoneSigned() {
        ShopApi.Placed placed = order("atlas", ShopApi.Flow.CODE);
        QrFrame frame = Phone.scan(frame(placed));
        assertTrue(frame.request().display().containsAll(List.of("Pay 30.00 EUR", "to Corner Books (corner-books)", "for a world atlas")),
                frame.request().display().toString());
        byte[] signed = phone.sign(certificate, frame, PIN);
        assertEquals(ApprovalStatus.DONE, handOver(placed, signed).status());
        assertEquals(ApprovalStatus.DONE, collect(placed).status());
        assertBalances("70.00 EUR", "30.00 EUR");
        assertRefused(ApprovalException.DONE, () -> handOver(placed, signed));
        assertRefused(ApprovalException.DONE, () -> frame(placed));
        assertBalances("70.00 EUR", "30.00 EUR");

        // a signature of one order handed over for another pays the one it is for, and not the other
        ShopApi.Placed first = order("guide", ShopApi.Flow.CODE);
        ShopApi.Placed second = order("guide", ShopApi.Flow.CODE);
        byte[] forFirst = phone.sign(certificate, Phone.scan(frame(first)), PIN);
        assertRefused(ApprovalException.CONTENT_MISMATCH, () -> handOver(second, forFirst));
        assertEquals(ApprovalStatus.DONE, collect(first).status());
        assertEquals(ApprovalStatus.WAITING, collect(second).status());
        assertRefused(ApprovalException.DONE, () -> handOver(second, forFirst));
        assertEquals(ApprovalStatus.WAITING, collect(second).status(), "a refusal for another approval does not end this order");
        assertBalances("58.00 EUR", "42.00 EUR");

        clock.advance(escudo.s1.server.approval.Approvals.DEFAULT_LIFETIME);
        assertEquals(ApprovalStatus.EXPIRED, collect(second).status());
        assertRefused(ApprovalException.EXPIRED, () -> frame(second));
    }

    @Test
    void anUnknownItemOrderOrFlowAndTheBanksOwnRefusalsComeBackAndMoveNothing() {
        assertRefused(Shop.UNKNOWN_ITEM, () -> order("telescope", ShopApi.Flow.PHONE));
        assertRefused(Shop.WRONG_FLOW, () -> order("guide", null));
        assertRefused(Shop.UNKNOWN_ORDER, () -> page.post("/merchant/s1/shop/orders/ord-none/collect", new ShopApi.Ask(), ShopApi.Status.class));
        assertRefused(ApprovalException.NO_CERTIFICATE, () -> page.post("/merchant/s1/shop/orders",
                new ShopApi.Order("guide", "alice", "+46700000000", ShopApi.Flow.CODE), ShopApi.Placed.class));
        assertRefused(escudo.node.http.Desk.OPERATOR_ONLY, () -> page.put("/merchant/s1/shop/items/free",
                new ShopApi.PutItem("a free book", Money.parse("0.01 EUR")), ShopApi.Item.class));
        assertRefused(escudo.node.http.Desk.OPERATOR_ONLY, () -> page.get("/merchant/s1/shop/orders", ShopApi.Orders.class));
        assertRefused(ApprovalException.INVALID_TRANSACTION, () -> desk.put("/merchant/s1/shop/items/free",
                new ShopApi.PutItem("a free book", Money.parse("0.00 EUR")), ShopApi.Item.class));
        desk.put("/merchant/s1/shop/items/kronor", new ShopApi.PutItem("a Swedish map", Money.parse("90.00 SEK")), ShopApi.Item.class);
        assertRefused(ApprovalException.INVALID_TRANSACTION, () -> order("kronor", ShopApi.Flow.PHONE));
        assertBalances("100.00 EUR", "0.00 EUR");
        assertTrue(desk.get("/merchant/s1/shop/orders", ShopApi.Orders.class).orders().isEmpty());
    }

    private ShopApi.Placed order(String item, ShopApi.Flow flow) {
        return page.post("/merchant/s1/shop/orders", new ShopApi.Order(item, "alice", PHONE, flow), ShopApi.Placed.class);
    }

    private ShopApi.Status collect(ShopApi.Placed placed) {
        return page.post("/merchant/s1/shop/orders/" + placed.orderId() + "/collect", new ShopApi.Ask(), ShopApi.Status.class);
    }

    private byte[] frame(ShopApi.Placed placed) {
        return page.post("/merchant/s1/shop/orders/" + placed.orderId() + "/frame", new ShopApi.Ask(), byte[].class);
    }

    private ShopApi.Status handOver(ShopApi.Placed placed, byte[] signed) {
        return page.post("/merchant/s1/shop/orders/" + placed.orderId() + "/signature", new ApprovalApi.Signature(Bytes.of(signed)),
                ShopApi.Status.class);
    }

    private void assertBalances(String alice, String shop) {
        assertEquals(Money.parse(alice), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse(shop), bank.desk().get("/issuer/merchants/" + SHOP, BankApi.Balance.class).balance());
    }
}
