package escudo.node.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import org.junit.jupiter.api.Test;

class SettingTest {

    private static String refusal(Setting<?> setting, String text) {
        return assertThrows(IllegalArgumentException.class, () -> setting.parse(text)).getMessage();
    }

    @Test
    void aNumberHasALowerBoundAndMayGroupItsDigits() {
        Setting<Long> limit = Setting.number("escudo.test.limit", 10_000, 0, "a limit");
        assertEquals(25_000L, limit.parse("25_000"));
        assertEquals("10000", limit.shownDefault());
        assertEquals("must be at least 0, got -1", refusal(limit, "-1"));
        assertEquals("must be an integer, got 'ten'", refusal(limit, "ten"));
    }

    @Test
    void aPortIsZeroTo65535() {
        Setting<Integer> port = Setting.port("escudo.test.port", 7410, "a port");
        assertEquals(0, port.parse("0"));
        assertEquals(65535, port.parse("65535"));
        assertEquals("must be a port number 0-65535, got '65536'", refusal(port, "65536"));
        assertEquals("must be a port number 0-65535, got 'http'", refusal(port, "http"));
    }

    @Test
    void anEnumIsWrittenInAnyCaseAndListsItsConstants() {
        Setting<DayOfWeek> day = Setting.oneOf("escudo.test.day", DayOfWeek.MONDAY, "A day.");
        assertEquals(DayOfWeek.FRIDAY, day.parse("Friday"));
        assertEquals("monday", day.shownDefault());
        assertTrue(day.description().startsWith("A day. One of: monday or tuesday or"), day.description());
        assertTrue(refusal(day, "someday").endsWith("or sunday, got 'someday'"));
    }

    @Test
    void aUrlIsHttpWithAHostAndItsDefaultIsDerived() {
        Setting<URI> url = Setting.url("escudo.test.url", "http://<host>:<port>", "a URL");
        assertEquals(URI.create("https://bank.example"), url.parse("https://bank.example"));
        assertNull(url.defaultValue());
        assertEquals("http://<host>:<port>", url.shownDefault());
        assertTrue(refusal(url, "bank:7410").startsWith("must be an http(s) URL"));
        assertTrue(refusal(url, "http://bad host").startsWith("is not a URL"));
    }

    @Test
    void textPathsAndSecrets() {
        assertEquals(Path.of("/var/lib/escudo"), Setting.path("escudo.test.dir", "./data", "a dir").parse("/var/lib/escudo"));
        assertEquals(Path.of("./data"), Setting.path("escudo.test.dir", "./data", "a dir").defaultValue());
        Setting<String> password = Setting.secret("escudo.test.password", "a password");
        assertTrue(password.secret());
        assertEquals("", password.defaultValue());
        assertEquals("(empty)", password.shownDefault());
        Setting<String> derived = Setting.text("escudo.test.jdbc.url", "", "a database").derived("jdbc:h2:<dir>");
        assertNull(derived.defaultValue());
        assertEquals("jdbc:h2:<dir>", derived.shownDefault());
    }

    @Test
    void aKeyIsLowerCaseUnderEscudoAndNamesItsEnvironmentVariable() {
        assertEquals("ESCUDO_MERCHANT_ONLINE_LIMIT",
                Setting.text("escudo.merchant.online.limit", "1", "a limit").environmentVariable());
        for (String key : new String[] {"issuer.port", "escudo.Issuer.port", "escudo", "escudo..port", "escudo.issuer-port"}) {
            assertThrows(IllegalArgumentException.class, () -> Setting.text(key, "x", "bad"), key);
        }
    }
}
