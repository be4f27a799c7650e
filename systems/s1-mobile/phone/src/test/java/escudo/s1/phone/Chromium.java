package escudo.s1.phone;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The PC of Flows A and B: headless Chromium from the system (Debian's chromium and chromedriver;
 * nothing downloaded), on the bank's online-banking page or a shop's checkout. Each page state a test names is saved as
 * a screenshot under target/screenshots (docs/s1-mobile.md shows them).
 */
final class Chromium implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final WebDriver driver;
    private final URI bank;

    private Chromium(WebDriver driver, URI bank) {
        this.driver = driver;
        this.bank = bank;
    }

    /** Skips the test where the browser is not installed (.ci/run installs it). */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER), "chromium and chromium-driver are not installed (.ci/run installs them)");
    }

    static Chromium start(URI bank) throws IOException {
        ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=900,1100");
        Files.createDirectories(SCREENSHOTS);
        return new Chromium(new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options), bank);
    }

    WebDriver driver() {
        return driver;
    }

    URI pageUri() {
        return bank.resolve("/issuer/s1/online-banking");
    }

    /** The bank's online-banking page. */
    void open() {
        open(pageUri(), "start");
    }

    /** Any page, once the element {@code readyId} shows. */
    void open(URI page, String readyId) {
        driver.get(page.toString());
        awaitShown(readyId);
    }

    /** Types {@code text} into the field {@code id}. */
    void type(String id, String text) {
        driver.findElement(By.id(id)).clear();
        driver.findElement(By.id(id)).sendKeys(text);
    }

    /** Types the transfer into the form and presses {@code button}: "start" (notify my phone) or "start-qr" (show a code). */
    void transfer(String customer, String phone, String payee, String amount, String message, String button) {
        for (String[] field : new String[][] {{"customer", customer}, {"phone", phone}, {"payee", payee}, {"amount", amount}, {"message", message}}) {
            type(field[0], field[1]);
        }
        click(button);
    }

    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    void awaitText(String id, String text) {
        new WebDriverWait(driver, WAIT).until(d -> text.equals(d.findElement(By.id(id)).getText()));
    }

    void awaitShown(String id) {
        new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.id(id)).isDisplayed());
    }

    /** Waits until the image {@code id} shows a picture that differs from {@code before} (null: any picture); returns its pixels. */
    byte[] awaitPicture(String id, byte[] before) {
        return new WebDriverWait(driver, WAIT).until(d -> {
            Object width = ((JavascriptExecutor) d).executeScript("return document.getElementById(arguments[0]).naturalWidth", id);
            if (!(width instanceof Number n) || n.intValue() == 0 || !d.findElement(By.id(id)).isDisplayed()) {
                return null;
            }
            byte[] now = photograph(id);
            return before == null || !java.util.Arrays.equals(before, now) ? now : null;
        });
    }

    /** Puts {@code file} into the file input {@code id}, as the user picks it in the browser's dialog. */
    void choose(String id, Path file) {
        driver.findElement(By.id(id)).sendKeys(file.toAbsolutePath().toString());
    }

    boolean shown(String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** What a camera pointed at the element would see: the pixels the browser drew there. */
    byte[] photograph(String id) {
        return driver.findElement(By.id(id)).getScreenshotAs(OutputType.BYTES);
    }

    void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
