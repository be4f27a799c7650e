package escudo.node;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a node needs to run: where its data lives, which roles it runs, where each role listens and
 * keeps its database, and the few business settings of a role.
 *
 * <p>Each setting has a key such as {@code escudo.issuer.port}. Its value is, from strongest to
 * weakest: the system property of that name, the environment variable {@code ESCUDO_ISSUER_PORT}
 * (upper case, dots as underscores), the key in the properties file ({@value #FILE_NAME}), the
 * default. A key the file does not know is refused, so a typo never silently falls back to a
 * default. Passwords never appear in {@link #toString()}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th></tr>
 *   <tr><td>escudo.data.dir</td><td>./escudo-data</td></tr>
 *   <tr><td>escudo.bind.host</td><td>127.0.0.1</td></tr>
 *   <tr><td>escudo.roles</td><td>issuer,merchant,courier</td></tr>
 *   <tr><td>escudo.issuer.id</td><td>escudo-bank</td></tr>
 *   <tr><td>escudo.issuer.port</td><td>7410</td></tr>
 *   <tr><td>escudo.issuer.url</td><td>http://127.0.0.1:&lt;issuer port&gt; (how a merchant reaches the issuer)</td></tr>
 *   <tr><td>escudo.issuer.jdbc.url / .user / .password</td><td>jdbc:h2:file:&lt;data dir&gt;/issuer;DB_CLOSE_ON_EXIT=FALSE / sa / (empty)</td></tr>
 *   <tr><td>escudo.merchant.id</td><td>merchant-1 (the merchant's S_id)</td></tr>
 *   <tr><td>escudo.merchant.port</td><td>7420</td></tr>
 *   <tr><td>escudo.merchant.online.limit</td><td>10000 (minor units; above it a payment clears online)</td></tr>
 *   <tr><td>escudo.merchant.currency</td><td>EUR (what the merchant sells in; its deposit account's currency)</td></tr>
 *   <tr><td>escudo.merchant.jdbc.url / .user / .password</td><td>jdbc:h2:file:&lt;data dir&gt;/merchant;DB_CLOSE_ON_EXIT=FALSE / sa / (empty)</td></tr>
 *   <tr><td>escudo.courier.id</td><td>escudo-courier (the courier's S2 identifier)</td></tr>
 *   <tr><td>escudo.courier.port</td><td>7430</td></tr>
 *   <tr><td>escudo.courier.url</td><td>http://127.0.0.1:&lt;courier port&gt; (how the shop reaches the courier)</td></tr>
 *   <tr><td>escudo.courier.jdbc.url / .user / .password</td><td>jdbc:h2:file:&lt;data dir&gt;/courier;DB_CLOSE_ON_EXIT=FALSE / sa / (empty)</td></tr>
 *   <tr><td>escudo.order.keys</td><td>directory (S2 pairwise keys: X25519 with the bank's key directory), or blom
 *       (each role's share in &lt;data dir&gt;/blom/&lt;id&gt;.share, written by {@code escudo blom issue})</td></tr>
 * </table>
 */
public record NodeConfig(
        Path dataDir,
        String bindHost,
        Set<Role> roles,
        String issuerId,
        int issuerPort,
        URI issuerUrl,
        Jdbc issuerJdbc,
        String merchantId,
        int merchantPort,
        long merchantOnlineLimitMinor,
        String merchantCurrency,
        Jdbc merchantJdbc,
        String courierId,
        int courierPort,
        URI courierUrl,
        Jdbc courierJdbc,
        OrderKeyMode orderKeys) {

    /** A setting that does not exist (a typo must not go unnoticed). */
    public static final ErrorCode UNKNOWN_KEY = ErrorCode.declare("config.unknown-key", Kind.INVALID);
    /** A setting with an unusable value, or a role without a setting it needs. */
    public static final ErrorCode INVALID = ErrorCode.declare("config.invalid", Kind.INVALID);

    public static final String FILE_NAME = "escudo.properties";

    /** A role a node can run. */
    public enum Role {
        ISSUER, MERCHANT, COURIER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the S2 parties of this node derive their pairwise keys (docs/split-order.md). */
    public enum OrderKeyMode {
        DIRECTORY, BLOM
    }

    /** Where a role keeps its database. The password is never shown. */
    public record Jdbc(String url, String user, String password) {

        public Jdbc {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Jdbc[url=" + url.replaceAll("(?i)(password=)[^;&]*", "$1****") + ", user=" + user
                    + ", password=****]";
        }
    }

    public NodeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(issuerUrl, "issuerUrl");
        Objects.requireNonNull(issuerJdbc, "issuerJdbc");
        Objects.requireNonNull(merchantJdbc, "merchantJdbc");
        Objects.requireNonNull(courierUrl, "courierUrl");
        Objects.requireNonNull(courierJdbc, "courierJdbc");
        Objects.requireNonNull(orderKeys, "orderKeys");
        roles = Collections.unmodifiableSet(Objects.requireNonNull(roles, "roles").isEmpty()
                ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
        require(!roles.isEmpty(), "escudo.roles must name at least one of issuer, merchant, courier");
        require(bindHost != null && !bindHost.isBlank(), "escudo.bind.host must not be blank");
        require(issuerId != null && !issuerId.isBlank(), "escudo.issuer.id must not be blank");
        require(merchantId != null && !merchantId.isBlank(), "escudo.merchant.id must not be blank");
        require(courierId != null && !courierId.isBlank(), "escudo.courier.id must not be blank");
        require(isPort(courierPort), "escudo.courier.port must be 0-65535, got " + courierPort);
        require(isPort(issuerPort), "escudo.issuer.port must be 0-65535, got " + issuerPort);
        require(isPort(merchantPort), "escudo.merchant.port must be 0-65535, got " + merchantPort);
        require(merchantOnlineLimitMinor >= 0, "escudo.merchant.online.limit must not be negative");
        escudo.core.Money.currency(merchantCurrency);
        Map<Integer, Role> ports = new java.util.HashMap<>();
        for (Role role : roles) {
            int port = switch (role) {
                case ISSUER -> issuerPort;
                case MERCHANT -> merchantPort;
                case COURIER -> courierPort;
            };
            Role other = port == 0 ? null : ports.put(port, role);
            if (other != null) {
                throw invalid("escudo." + other.id() + ".port and escudo." + role.id() + ".port are both " + port
                        + "; the roles need their own ports");
            }
        }
    }

    public boolean runs(Role role) {
        return roles.contains(role);
    }

    /** The defaults overridden by {@code settings} (keys as in the file), nothing read from the environment. */
    public static NodeConfig of(Map<String, String> settings) {
        return load(null, Map.of(), settings);
    }

    /** Every default, as if there were no file, environment or system properties. */
    public static NodeConfig defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * The configuration of this process: {@value #FILE_NAME} in the working directory if it exists,
     * the environment and the system properties.
     */
    public static NodeConfig load() {
        Path file = Path.of(FILE_NAME);
        return load(Files.exists(file) ? file : null, System.getenv(), systemProperties());
    }

    /** The configuration from {@code file} (which must exist), the environment and the system properties. */
    public static NodeConfig load(Path file) {
        return load(Objects.requireNonNull(file, "file"), System.getenv(), systemProperties());
    }

    /**
     * The configuration from {@code file} (or none when null), overridden by {@code env} (variables
     * such as {@code ESCUDO_ISSUER_PORT}), overridden by {@code systemProperties}.
     */
    public static NodeConfig load(Path file, Map<String, String> env, Map<String, String> systemProperties) {
        return new Settings(file == null ? Map.of() : readFile(file), file, env, systemProperties).build();
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key).strip()));
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(Settings.KEYS);
        if (!unknown.isEmpty()) {
            throw new EscudoException(UNKNOWN_KEY, "unknown setting"
                    + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " in " + file
                    + "; the known settings are " + String.join(", ", Settings.KEYS));
        }
        return values;
    }

    private static Map<String, String> systemProperties() {
        Properties properties = System.getProperties();
        return properties.stringPropertyNames().stream()
                .filter(Settings.KEYS::contains)
                .collect(Collectors.toMap(Function.identity(), properties::getProperty));
    }

    private static boolean isPort(long port) {
        return port >= 0 && port <= 65535;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw invalid(message);
        }
    }

    private static EscudoException invalid(String message) {
        return new EscudoException(INVALID, message);
    }

    /** Resolves each key from its strongest source and parses it, naming the source on error. */
    private record Settings(Map<String, String> file, Path filePath, Map<String, String> env,
                            Map<String, String> system) {

        static final List<String> KEYS = List.of(
                "escudo.data.dir", "escudo.bind.host", "escudo.roles",
                "escudo.issuer.id", "escudo.issuer.port", "escudo.issuer.url",
                "escudo.issuer.jdbc.url", "escudo.issuer.jdbc.user", "escudo.issuer.jdbc.password",
                "escudo.merchant.id", "escudo.merchant.port", "escudo.merchant.online.limit", "escudo.merchant.currency",
                "escudo.merchant.jdbc.url", "escudo.merchant.jdbc.user", "escudo.merchant.jdbc.password",
                "escudo.courier.id", "escudo.courier.port", "escudo.courier.url",
                "escudo.courier.jdbc.url", "escudo.courier.jdbc.user", "escudo.courier.jdbc.password",
                "escudo.order.keys");

        NodeConfig build() {
            Path dataDir = Path.of(string("escudo.data.dir", "./escudo-data"));
            String bindHost = string("escudo.bind.host", "127.0.0.1");
            int issuerPort = port("escudo.issuer.port", 7410);
            int courierPort = port("escudo.courier.port", 7430);
            String loopback = switch (bindHost) {
                case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
                default -> bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
            };
            return new NodeConfig(
                    dataDir,
                    bindHost,
                    roles(),
                    string("escudo.issuer.id", "escudo-bank"),
                    issuerPort,
                    uri("escudo.issuer.url", "http://" + loopback + ":" + issuerPort),
                    jdbc("issuer", dataDir),
                    string("escudo.merchant.id", "merchant-1"),
                    port("escudo.merchant.port", 7420),
                    number("escudo.merchant.online.limit", 10_000),
                    string("escudo.merchant.currency", "EUR"),
                    jdbc("merchant", dataDir),
                    string("escudo.courier.id", "escudo-courier"),
                    courierPort,
                    uri("escudo.courier.url", "http://" + loopback + ":" + courierPort),
                    jdbc("courier", dataDir),
                    orderKeyMode());
        }

        private Jdbc jdbc(String role, Path dataDir) {
            String prefix = "escudo." + role + ".jdbc.";
            String defaultUrl = "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve(role)
                    + ";DB_CLOSE_ON_EXIT=FALSE";
            return new Jdbc(string(prefix + "url", defaultUrl), string(prefix + "user", "sa"),
                    value(prefix + "password") == null ? "" : value(prefix + "password"));
        }

        private Set<Role> roles() {
            String text = string("escudo.roles", "issuer,merchant,courier");
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String name : text.split("[,\\s]+")) {
                if (name.isEmpty()) {
                    continue;
                }
                roles.add(Arrays.stream(Role.values()).filter(role -> role.id().equalsIgnoreCase(name)).findFirst()
                        .orElseThrow(() -> invalid("escudo.roles" + from("escudo.roles") + " names an unknown role '"
                                + name + "'; the roles are issuer, merchant, courier")));
            }
            return roles;
        }

        private OrderKeyMode orderKeyMode() {
            String text = string("escudo.order.keys", "directory");
            return Arrays.stream(OrderKeyMode.values()).filter(m -> m.name().equalsIgnoreCase(text)).findFirst()
                    .orElseThrow(() -> invalid("escudo.order.keys" + from("escudo.order.keys") + " is directory or blom, got '"
                            + text + "'"));
        }

        private int port(String key, int defaultValue) {
            long port = number(key, defaultValue);
            require(isPort(port), key + from(key) + " must be a port number 0-65535, got " + port);
            return (int) port;
        }

        private long number(String key, long defaultValue) {
            String text = value(key);
            if (text == null) {
                return defaultValue;
            }
            try {
                return Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw invalid(key + from(key) + " must be an integer, got '" + text + "'");
            }
        }

        private URI uri(String key, String defaultValue) {
            String text = string(key, defaultValue);
            try {
                URI uri = new URI(text);
                require(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                        key + from(key) + " must be an http(s) URL such as http://127.0.0.1:7410, got '" + text + "'");
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw invalid(key + from(key) + " is not a URL: '" + text + "'");
            }
        }

        private String string(String key, String defaultValue) {
            String text = value(key);
            return text == null || text.isEmpty() ? defaultValue : text;
        }

        /** The value from the strongest source, or null. */
        private String value(String key) {
            String fromSystem = system.get(key);
            if (fromSystem != null) {
                return fromSystem.strip();
            }
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                return fromEnv.strip();
            }
            return file.get(key);
        }

        /** " (from ...)" naming where a value came from, for error messages. */
        private String from(String key) {
            if (system.containsKey(key)) {
                return " (system property " + key + ")";
            }
            if (env.containsKey(envName(key))) {
                return " (environment variable " + envName(key) + ")";
            }
            return " (in " + filePath + ")";
        }

        static String envName(String key) {
            return key.toUpperCase(Locale.ROOT).replace('.', '_');
        }
    }
}
