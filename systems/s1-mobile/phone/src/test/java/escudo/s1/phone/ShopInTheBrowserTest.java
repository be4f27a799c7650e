package escudo.s1.phone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.node.PartyNode;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.ShopApi;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.QrFrame;
import escudo.testing.TestClock;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * A shop's checkout in a real browser ({@link Chromium}): the customer picks an item on the page
 * the shop's node serves and pays with the phone, once by the code on the screen (Flow B) and once
 * by the bank ringing the phone (Flow A). Each page state is saved as a screenshot.
 */
class ShopInTheBrowserTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private PartyNode shop;
    private ServiceLink network;
    private Phone phone;
    private BigInteger certificate;
    private Chromium pc;

    @BeforeEach
    void start() throws IOException {
        Chromium.assumeInstalled();
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, true);
        shop = S1Bank.merchant(bank, dir, clock, "corner-books", "Corner Books", bank.uri(), Map.of());
        try (PartyClient desk = new PartyClient(shop.uri(), shop.operatorToken())) {
            desk.put("/merchant/s1/shop/items/atlas", new ShopApi.PutItem("a world atlas", Money.parse("30.00 EUR")), ShopApi.Item.class);
            desk.put("/merchant/s1/shop/items/guide", new ShopApi.PutItem("a travel guide", Money.parse("12.00 EUR")), ShopApi.Item.class);
        }
        network = new ServiceLink(bank.uri());
        S1Bank.Enrolled alice = S1Bank.phone(bank, dir.resolve("phone"), clock, "alice", PHONE, PIN);
        phone = alice.phone();
        certificate = alice.serial();
        pc = Chromium.start(bank.uri());
    }

    @AfterEach
    void stop() {
        escudo.node.testing.Resources.closeAll(pc, network, shop, bank);
    }

    @Test
    void theCustomerPaysAtTheCheckoutByTheCodeOnTheScreenThenByTheBankRingingThePhone() throws Exception {
        checkout("atlas", "pay-qr");
        QrFrame frame = Phone.scan(pc.awaitPicture("qr", null));
        assertEquals(Money.parse("30.00 EUR"), frame.request().transaction().amount());
        pc.screenshot("shop-2-scan-the-code");
        Path signed = Files.write(dir.resolve("approval.p7m"), phone.sign(certificate, frame, PIN));
        pc.choose("signed", signed);
        pc.awaitText("status", "DONE");
        pc.screenshot("shop-3-paid");
        assertFalse(pc.shown("qr") || pc.shown("handover"), "once paid the page shows no code and takes no file");
        assertBalances("70.00 EUR", "30.00 EUR");

        pc.click("again");
        checkout("guide", "pay");
        pc.awaitText("status", "WAITING");
        ApprovalRequest request = phone.pending(network, certificate).getFirst();
        assertTrue(request.display().contains("for a travel guide"), request.display().toString());
        phone.approve(network, certificate, request, PIN);
        pc.awaitText("status", "DONE");
        assertBalances("58.00 EUR", "42.00 EUR");
    }

    private void checkout(String item, String button) throws IOException {
        pc.open(shop.uri().resolve("/merchant/s1/shop"), "pay");
        new org.openqa.selenium.support.ui.WebDriverWait(pc.driver(), java.time.Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector("#item option")).size() == 2);
        new Select(pc.driver().findElement(By.id("item"))).selectByValue(item);
        pc.type("customer", "alice");
        pc.type("phone", PHONE);
        if (button.equals("pay-qr")) {
            pc.screenshot("shop-1-checkout");
        }
        pc.click(button);
    }

    private void assertBalances(String alice, String shopBalance) {
        assertEquals(Money.parse(alice), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse(shopBalance), bank.desk().get("/issuer/merchants/corner-books", BankApi.Balance.class).balance());
    }
}
