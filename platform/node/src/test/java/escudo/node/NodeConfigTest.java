package escudo.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.node.NodeConfig.Role;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.node.spi.Setting;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("escudo.properties"), content);
    }

    @Test
    void defaults() {
        NodeConfig config = NodeConfig.defaults();
        assertEquals(Path.of("./escudo-data"), config.dataDir());
        assertEquals("127.0.0.1", config.bindHost());
        assertEquals(EnumSet.of(Role.ISSUER, Role.MERCHANT, Role.COURIER), config.roles());
        assertEquals(7410, config.issuerPort());
        assertEquals(7420, config.merchantPort());
        assertEquals(7430, config.courierPort());
        assertEquals(URI.create("http://127.0.0.1:7430"), config.courierUrl());
        assertEquals("escudo-courier", config.courierId());
        assertEquals(URI.create("http://127.0.0.1:7410"), config.issuerUrl());
        assertEquals("escudo-bank", config.issuerId());
        assertEquals("merchant-1", config.merchantId());
        assertEquals(URI.create("http://127.0.0.1:7420"), config.merchantUrl());
        assertEquals("EUR", config.merchantCurrency());
        Path data = Path.of("escudo-data").toAbsolutePath();
        assertEquals("jdbc:h2:file:" + data.resolve("issuer") + ";DB_CLOSE_ON_EXIT=FALSE", config.issuerJdbc().url());
        assertEquals("jdbc:h2:file:" + data.resolve("merchant") + ";DB_CLOSE_ON_EXIT=FALSE", config.merchantJdbc().url());
        assertEquals("sa", config.issuerJdbc().user());
        assertEquals("", config.issuerJdbc().password());
    }

    @Test
    void theRateLimitOfOpenEndpointsIsFiveASecondAfterABurstOfTwentyUnlessSet() {
        assertEquals(new escudo.node.http.RateLimit.Settings(5, 20), NodeConfig.defaults().rateLimit());
        assertEquals(new escudo.node.http.RateLimit.Settings(1, 3),
                NodeConfig.of(Map.of("escudo.rate.limit", "1", "escudo.rate.burst", "3")).rateLimit());
        EscudoException e = assertThrows(EscudoException.class, () -> NodeConfig.of(Map.of("escudo.rate.burst", "0")));
        assertEquals(NodeConfig.INVALID, e.code());
        assertTrue(e.getMessage().contains("escudo.rate.burst") && e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void fromFile() throws IOException {
        Path file = file("""
                # a merchant-only node
                escudo.roles = merchant
                escudo.data.dir = /var/lib/escudo
                escudo.merchant.port = 8020
                escudo.merchant.id = cafe-42
                escudo.issuer.url = http://bank.example:7410
                """);
        NodeConfig config = NodeConfig.load(file, Map.of(), Map.of());
        assertEquals(Set.of(Role.MERCHANT), config.roles());
        assertTrue(config.runs(Role.MERCHANT));
        assertFalse(config.runs(Role.ISSUER));
        assertEquals(8020, config.merchantPort());
        assertEquals("cafe-42", config.merchantId());
        assertEquals(URI.create("http://bank.example:7410"), config.issuerUrl());
        assertEquals("jdbc:h2:file:" + Path.of("/var/lib/escudo/merchant").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
                config.merchantJdbc().url());
        assertEquals(7410, config.issuerPort(), "what the file does not set keeps its default");
    }

    @Test
    void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws IOException {
        Path file = file("escudo.issuer.port=7500\nescudo.merchant.port=7600\nescudo.issuer.id=file-bank\n");
        Map<String, String> env = Map.of("ESCUDO_ISSUER_PORT", "7501", "ESCUDO_ISSUER_ID", "env-bank",
                "ESCUDO_ISSUER_JDBC_PASSWORD", "from-env", "PATH", "/usr/bin");
        Map<String, String> system = Map.of("escudo.issuer.id", "sys-bank");

        NodeConfig config = NodeConfig.load(file, env, system);

        assertEquals(7501, config.issuerPort(), "env beats file");
        assertEquals(7600, config.merchantPort(), "file beats default");
        assertEquals("sys-bank", config.issuerId(), "system property beats env");
        assertEquals("from-env", config.issuerJdbc().password());
        assertEquals(URI.create("http://127.0.0.1:7501"), config.issuerUrl(), "the issuer URL follows its port");
    }

    @Test
    void environmentAloneWorksWithoutAFile() {
        NodeConfig config = NodeConfig.load(null, Map.of("ESCUDO_ROLES", "issuer", "ESCUDO_DATA_DIR", "/tmp/e"), Map.of());
        assertEquals(Set.of(Role.ISSUER), config.roles());
        assertEquals(Path.of("/tmp/e"), config.dataDir());
    }

    @Test
    void anUnknownKeyInTheFileIsRefused() throws IOException {
        Path file = file("escudo.isuer.port=7500\n");
        EscudoException e = assertThrows(EscudoException.class, () -> NodeConfig.load(file, Map.of(), Map.of()));
        assertEquals(NodeConfig.UNKNOWN_KEY, e.code());
        assertTrue(e.getMessage().contains("escudo.isuer.port"), e.getMessage());
        assertTrue(e.getMessage().contains("escudo.issuer.port"), "lists the known keys: " + e.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheirSource() throws IOException {
        EscudoException port = assertThrows(EscudoException.class,
                () -> NodeConfig.load(null, Map.of("ESCUDO_ISSUER_PORT", "seventy"), Map.of()));
        assertEquals(NodeConfig.INVALID, port.code());
        assertTrue(port.getMessage().contains("ESCUDO_ISSUER_PORT"), port.getMessage());

        assertThrows(EscudoException.class, () -> NodeConfig.load(null, Map.of("ESCUDO_MERCHANT_PORT", "70000"), Map.of()));
        assertThrows(EscudoException.class, () -> NodeConfig.load(null, Map.of("ESCUDO_ROLES", "shipper"), Map.of()));
        assertThrows(EscudoException.class, () -> NodeConfig.load(null, Map.of("ESCUDO_ROLES", ","), Map.of()));
        assertThrows(EscudoException.class, () -> NodeConfig.load(null, Map.of("ESCUDO_ISSUER_URL", "bank:7410"), Map.of()));
        EscudoException currency = assertThrows(EscudoException.class,
                () -> NodeConfig.load(file("escudo.merchant.currency=EUROS"), Map.of(), Map.of()));
        assertTrue(currency.getMessage().contains("escudo.merchant.currency (in " + dir.resolve("escudo.properties")
                + ") a currency is an ISO 4217 code of three upper-case letters"), currency.getMessage());
        assertThrows(EscudoException.class, () -> NodeConfig.load(file("escudo.merchant.port=7410"), Map.of(), Map.of()));
        EscudoException clash = assertThrows(EscudoException.class,
                () -> NodeConfig.load(null, Map.of("ESCUDO_COURIER_PORT", "7420"), Map.of()));
        assertTrue(clash.getMessage().contains("escudo.merchant.port and escudo.courier.port are both 7420"), clash.getMessage());
        // a role that does not run may share a port number with one that does
        assertEquals(7420, NodeConfig.load(null, Map.of("ESCUDO_COURIER_PORT", "7420", "ESCUDO_ROLES", "issuer,merchant"),
                Map.of()).courierPort());
    }

    @Test
    void passwordsNeverShow() throws IOException {
        Path file = file("""
                escudo.issuer.jdbc.url=jdbc:postgresql://db/escudo?user=bank&password=url-secret-1
                escudo.issuer.jdbc.password=file-secret-2
                """);
        NodeConfig config = NodeConfig.load(file, Map.of("ESCUDO_MERCHANT_JDBC_PASSWORD", "env-secret-3"), Map.of());
        assertEquals("file-secret-2", config.issuerJdbc().password());
        assertEquals("env-secret-3", config.merchantJdbc().password());
        String shown = config.toString();
        for (String secret : new String[] {"url-secret-1", "file-secret-2", "env-secret-3"}) {
            assertFalse(shown.contains(secret), secret + " shown in " + shown);
        }
        assertTrue(shown.contains("issuerPort=7410"), shown);
        assertTrue(shown.contains("jdbc:postgresql://db/escudo"), shown);
    }

    @Test
    void errorsNameTheSystemPropertyOrTheFileTheValueCameFrom() throws IOException {
        EscudoException system = assertThrows(EscudoException.class,
                () -> NodeConfig.load(null, Map.of(), Map.of("escudo.courier.port", "x")));
        assertTrue(system.getMessage().contains("escudo.courier.port (system property escudo.courier.port) must be a port"),
                system.getMessage());
        Path file = file("escudo.courier.url=ftp://courier\n");
        EscudoException inFile = assertThrows(EscudoException.class, () -> NodeConfig.load(file, Map.of(), Map.of()));
        assertTrue(inFile.getMessage().contains("escudo.courier.url (in " + file + ") must be an http(s) URL"), inFile.getMessage());
        EscudoException given = assertThrows(EscudoException.class, () -> NodeConfig.of(Map.of("escudo.roles", "bank")));
        assertTrue(given.getMessage().contains("escudo.roles (in the given settings) names an unknown role 'bank'"),
                given.getMessage());
    }

    @Test
    void helidonMapsEveryEscudoVariableButNoOther() {
        NodeConfig config = NodeConfig.load(null, Map.of("escudo_merchant_id", "lower-case-shop", "ISSUER_PORT", "1"), Map.of());
        assertEquals("lower-case-shop", config.merchantId());
        assertEquals(7410, config.issuerPort(), "a variable without the ESCUDO_ prefix is not a setting");
        EscudoException e = assertThrows(EscudoException.class,
                () -> NodeConfig.load(null, Map.of("escudo_merchant_port", "many"), Map.of()));
        assertTrue(e.getMessage().contains("(environment variable escudo_merchant_port)"), e.getMessage());
    }

    @Test
    void aBlankValueFallsBackToTheDefault() throws IOException {
        NodeConfig config = NodeConfig.load(file("escudo.issuer.port=\nescudo.issuer.id=  \n"), Map.of(), Map.of());
        assertEquals(7410, config.issuerPort());
        assertEquals("escudo-bank", config.issuerId());
    }

    @Test
    void givenSettingsAreCheckedLikeAFile() {
        EscudoException e = assertThrows(EscudoException.class, () -> NodeConfig.of(Map.of("escudo.issuer.prot", "0")));
        assertEquals(NodeConfig.UNKNOWN_KEY, e.code());
        assertTrue(e.getMessage().contains("escudo.issuer.prot in the given settings"), e.getMessage());
    }

    @Test
    void urlsOfABindAllNodeUseTheLoopback() {
        NodeConfig config = NodeConfig.of(Map.of("escudo.bind.host", "0.0.0.0", "escudo.merchant.port", "8020"));
        assertEquals(URI.create("http://127.0.0.1:8020"), config.merchantUrl());
        assertEquals(URI.create("http://[::1]:7410"), NodeConfig.of(Map.of("escudo.bind.host", "::1")).issuerUrl());
    }

    @Test
    void theNodeDeclaresEachOfItsKeysOnce() {
        List<String> keys = NodeConfig.declared(List.of()).stream().map(d -> d.setting().key()).toList();
        assertEquals(List.of("escudo.data.dir", "escudo.bind.host", "escudo.roles",
                "escudo.issuer.id", "escudo.issuer.port", "escudo.issuer.url",
                "escudo.issuer.jdbc.url", "escudo.issuer.jdbc.user", "escudo.issuer.jdbc.password",
                "escudo.merchant.id", "escudo.merchant.port", "escudo.merchant.url",
                "escudo.merchant.jdbc.url", "escudo.merchant.jdbc.user", "escudo.merchant.jdbc.password",
                "escudo.courier.id", "escudo.courier.port", "escudo.courier.url",
                "escudo.courier.jdbc.url", "escudo.courier.jdbc.user", "escudo.courier.jdbc.password",
                "escudo.merchant.currency", "escudo.rate.limit", "escudo.rate.burst"), keys);
        assertTrue(NodeConfig.declared(List.of()).stream().allMatch(d -> d.owner().equals(NodeConfig.OWNER)));
    }

    @Test
    void aFeatureMayNotDeclareAKeyAnotherModuleOwnsNorOneWithoutADefault() {
        IllegalStateException taken = assertThrows(IllegalStateException.class,
                () -> NodeConfig.declared(List.of(declaring(Setting.port("escudo.issuer.port", 1, "a second issuer port")))));
        assertTrue(taken.getMessage().contains("escudo.issuer.port is declared by both node and test"), taken.getMessage());
        IllegalStateException derived = assertThrows(IllegalStateException.class,
                () -> NodeConfig.declared(List.of(declaring(Setting.url("escudo.test.url", "derived", "a URL")))));
        assertTrue(derived.getMessage().contains("test declares escudo.test.url without a default"), derived.getMessage());
    }

    @Test
    void aFeatureSettingNoFeatureDeclaresIsRefusedAndSecretFeatureValuesNeverShow() {
        NodeConfig config = NodeConfig.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.setting(Setting.text("escudo.test.name", "x", "a name")));
        assertTrue(e.getMessage().contains("escudo.test.name is declared by no installed feature"), e.getMessage());
        NodeConfig.FeatureSettings values = new NodeConfig.FeatureSettings(
                Map.of("escudo.test.password", "hunter2", "escudo.test.limit", 5L), Set.of("escudo.test.password"));
        assertEquals("[escudo.test.limit=5, escudo.test.password=****]", values.toString());
    }

    private static Feature declaring(Setting<?> setting) {
        return new Feature() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public List<Setting<?>> settings() {
                return List.of(setting);
            }

            @Override
            public void join(Party party) {
                throw new AssertionError("never started");
            }
        };
    }
}
