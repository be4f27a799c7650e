package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.node.NodeConfig;
import escudo.node.testing.RestartableParty;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.server.approval.Approvals;
import escudo.testing.TestClock;
import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Seed 001, Flow A with the PC as a real browser: headless Chromium (Debian's chromium and
 * chromedriver; nothing downloaded) on the page the bank's node serves, the phone in this test.
 * Each page state is saved as a screenshot under target/screenshots (docs/s1-mobile.md shows them).
 */
class FlowAInTheBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private ServiceLink network;
    private Phone phone;
    private BigInteger certificate;
    private WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "chromium and chromium-driver are not installed (.ci/run installs them)");
        bank = S1Bank.start(dir, clock);
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("100.00 EUR")), BankApi.Balance.class);
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("bob", "Bob Berg", Money.parse("10.00 EUR")), BankApi.Balance.class);
        network = new ServiceLink(bank.uri());
        phone = Phone.create(dir.resolve("phone"), PIN, clock);
        certificate = S1Bank.enrol(bank, phone, "alice", PHONE, PIN);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=900,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (network != null) {
            network.close();
        }
        if (bank != null) {
            bank.close();
        }
    }

    @Test
    void theUserTransfersOnThePageAndApprovesOnThePhoneAndThePageFollowsEveryStep() throws Exception {
        open();
        screenshot("1-form");
        fill("25.00", "rent");
        awaitStatus("WAITING");
        assertEquals("waiting for the phone", text("hint"));
        screenshot("2-waiting-for-the-phone");

        ApprovalRequest request = phone.pending(network, certificate).getFirst();
        awaitStatus("DELIVERED");
        screenshot("3-the-phone-has-it");
        phone.approve(network, certificate, request, PIN);
        awaitStatus("DONE");
        assertEquals("signed and done", text("hint"));
        screenshot("4-signed-and-done");
        assertEquals(Money.parse("75.00 EUR"), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse("35.00 EUR"), bank.desk().get("/issuer/customers/bob", BankApi.Balance.class).balance());
    }

    @Test
    void thePageCancelsAndThePhonesSignatureComesTooLateAndDeclineAndExpiryShowToo() throws Exception {
        open();
        fill("5.00", "cancelled");
        awaitStatus("WAITING");
        ApprovalRequest cancelled = phone.pending(network, certificate).getFirst();
        awaitStatus("DELIVERED");
        browser.findElement(By.id("cancel")).click();
        awaitStatus("CANCELLED");
        screenshot("5-cancelled-on-the-pc");
        assertRefused(ApprovalException.CANCELLED, () -> phone.approve(network, certificate, cancelled, PIN));

        browser.findElement(By.id("again")).click();
        fill("6.00", "declined");
        awaitStatus("WAITING");
        phone.decline(network, certificate, phone.pending(network, certificate).getFirst());
        awaitStatus("DECLINED");
        screenshot("6-declined-on-the-phone");

        browser.findElement(By.id("again")).click();
        fill("7.00", "too late");
        awaitStatus("WAITING");
        clock.advance(Approvals.DEFAULT_LIFETIME);
        awaitStatus("EXPIRED");
        screenshot("7-expired");
        assertEquals(Money.parse("100.00 EUR"), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
    }

    @Test
    void aPhoneNumberWithoutACertificateIsRefusedOnThePageAndThePageIsServedWithAStrictPolicy() throws Exception {
        open();
        browser.findElement(By.id("customer")).sendKeys("alice");
        browser.findElement(By.id("phone")).sendKeys("+46700000000");
        browser.findElement(By.id("payee")).sendKeys("bob");
        browser.findElement(By.id("amount")).sendKeys("1.00");
        browser.findElement(By.id("message")).sendKeys("x");
        browser.findElement(By.id("start")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("error")).isDisplayed());
        assertTrue(text("error").contains("s1.no-certificate"), text("error"));
        screenshot("8-no-certificate-on-that-phone");

        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(pageUri()).build(), HttpResponse.BodyHandlers.ofString());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    private void open() {
        browser.get(pageUri().toString());
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("start")).isDisplayed());
    }

    private URI pageUri() {
        return bank.uri().resolve("/issuer/s1/online-banking");
    }

    private void fill(String amount, String message) {
        for (String[] field : new String[][] {{"customer", "alice"}, {"phone", PHONE}, {"payee", "bob"}, {"amount", amount}, {"message", message}}) {
            browser.findElement(By.id(field[0])).clear();
            browser.findElement(By.id(field[0])).sendKeys(field[1]);
        }
        browser.findElement(By.id("start")).click();
    }

    private void awaitStatus(String status) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> status.equals(d.findElement(By.id("status")).getText()));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve("flow-a-" + name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
