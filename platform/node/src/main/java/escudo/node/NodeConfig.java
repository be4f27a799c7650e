package escudo.node;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.node.http.RateLimit;
import escudo.node.spi.Feature;
import escudo.node.spi.Setting;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a node needs to run: where its data lives, which roles it runs, where each role listens,
 * is reached and keeps its database, and the values of the settings its features declare.
 *
 * <p>Each key is a {@link Setting} declared once by the module that reads it: the node's here and
 * in {@link Role}, a system's in its {@link Feature}. Helidon Config resolves a key from, strongest
 * first: the system property of that name, the environment variable {@code ESCUDO_ISSUER_PORT}
 * for {@code escudo.issuer.port}, the properties file ({@value #FILE_NAME}); else the setting's
 * default. A key in the file that no module declares is refused, so a typo never silently falls
 * back to a default. Passwords never appear in {@link #toString()}. The table of every key is
 * docs/configuration.md ({@code escudo config} prints it).
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
        URI merchantUrl,
        String merchantCurrency,
        Jdbc merchantJdbc,
        String courierId,
        int courierPort,
        URI courierUrl,
        Jdbc courierJdbc,
        RateLimit.Settings rateLimit,
        FeatureSettings features) {

    /** A setting that does not exist (a typo must not go unnoticed). */
    public static final ErrorCode UNKNOWN_KEY = ErrorCode.declare("config.unknown-key", Kind.INVALID);
    /** A setting with an unusable value, or a role without a setting it needs. */
    public static final ErrorCode INVALID = ErrorCode.declare("config.invalid", Kind.INVALID);

    public static final String FILE_NAME = "escudo.properties";

    /** The name of the node in the table of settings, beside the features' names. */
    public static final String OWNER = "node";

    public static final Setting<Path> DATA_DIR = Setting.path("escudo.data.dir", "./escudo-data",
            "Where the node keeps its sealed keys, its H2 databases and its Blom shares.");
    public static final Setting<String> BIND_HOST = Setting.text("escudo.bind.host", "127.0.0.1",
            "The address every role of the node listens on.");
    public static final Setting<Set<Role>> ROLES = new Setting<>("escudo.roles", EnumSet.allOf(Role.class),
            "issuer,merchant,courier", "The roles this node runs, separated by commas.", Role::parseAll, false);
    public static final Setting<String> MERCHANT_CURRENCY = Setting.of("escudo.merchant.currency", "EUR",
            "What the merchant sells in: its deposit account's currency (S2 and S3).", text -> {
                Money.currency(text);
                return text;
            });

    public static final Setting<Long> RATE_LIMIT = Setting.number("escudo.rate.limit", RateLimit.Settings.DEFAULT.perSecond(), 1,
            "Requests a second one client address may make, sustained, to a party's open endpoints that create rows"
                    + " (S3 payments, the S2 shop's order forms and channel, S0 device registration); past it they are refused"
                    + " 429 request.rate-limited.");
    public static final Setting<Long> RATE_BURST = Setting.number("escudo.rate.burst", RateLimit.Settings.DEFAULT.burst(), 1,
            "Requests one client address may make at once to those endpoints before escudo.rate.limit applies.");

    /** A role a node can run, with the keys that say who it is, where it listens and where its data is. */
    public enum Role {
        ISSUER("escudo-bank", 7410, "The bank's identifier."),
        MERCHANT("merchant-1", 7420, "The merchant's S_id."),
        COURIER("escudo-courier", 7430, "The courier's S2 identifier.");

        private final RoleSettings settings;

        Role(String defaultId, int defaultPort, String idDescription) {
            String role = id();
            String prefix = "escudo." + role + ".";
            settings = new RoleSettings(
                    Setting.text(prefix + "id", defaultId, idDescription),
                    Setting.port(prefix + "port", defaultPort, "The port the " + role + " listens on (0: any free port)."),
                    Setting.url(prefix + "url", "http://<escudo.bind.host>:<" + prefix + "port>",
                            "How the other parties and the CLI reach the " + role + " (127.0.0.1 when bound to every address)."),
                    Setting.text(prefix + "jdbc.url", "", "The " + role + "'s database.")
                            .derived("jdbc:h2:file:<escudo.data.dir>/" + role + ";DB_CLOSE_ON_EXIT=FALSE"),
                    Setting.text(prefix + "jdbc.user", "sa", "The " + role + "'s database user."),
                    Setting.secret(prefix + "jdbc.password", "The " + role + "'s database password."));
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public RoleSettings settings() {
            return settings;
        }

        private static Set<Role> parseAll(String text) {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String name : text.split("[,\\s]+")) {
                if (!name.isEmpty()) {
                    roles.add(Arrays.stream(values()).filter(role -> role.id().equalsIgnoreCase(name)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("names an unknown role '" + name
                                    + "'; the roles are issuer, merchant, courier")));
                }
            }
            return roles;
        }
    }

    /** The keys of one role. */
    public record RoleSettings(Setting<String> id, Setting<Integer> port, Setting<URI> url, Setting<String> jdbcUrl,
                               Setting<String> jdbcUser, Setting<String> jdbcPassword) {

        List<Setting<?>> all() {
            return List.of(id, port, url, jdbcUrl, jdbcUser, jdbcPassword);
        }
    }

    /** A setting with the name of the module that declares it ({@value #OWNER}, or a feature's name). */
    public record Declared(String owner, Setting<?> setting) {}

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

    /** The values of the settings the features declare, by key; a secret's value is never shown. */
    public record FeatureSettings(Map<String, Object> values, Set<String> secrets) {

        public FeatureSettings {
            values = Map.copyOf(values);
            secrets = Set.copyOf(secrets);
        }

        @Override
        public String toString() {
            return new TreeSet<>(values.keySet()).stream()
                    .map(key -> key + "=" + (secrets.contains(key) ? "****" : values.get(key)))
                    .collect(Collectors.joining(", ", "[", "]"));
        }
    }

    public NodeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(issuerUrl, "issuerUrl");
        Objects.requireNonNull(issuerJdbc, "issuerJdbc");
        Objects.requireNonNull(merchantUrl, "merchantUrl");
        Objects.requireNonNull(merchantJdbc, "merchantJdbc");
        Objects.requireNonNull(courierUrl, "courierUrl");
        Objects.requireNonNull(courierJdbc, "courierJdbc");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(features, "features");
        roles = Collections.unmodifiableSet(Objects.requireNonNull(roles, "roles").isEmpty()
                ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
        require(!roles.isEmpty(), "escudo.roles must name at least one of issuer, merchant, courier");
        require(bindHost != null && !bindHost.isBlank(), "escudo.bind.host must not be blank");
        require(issuerId != null && !issuerId.isBlank(), "escudo.issuer.id must not be blank");
        require(merchantId != null && !merchantId.isBlank(), "escudo.merchant.id must not be blank");
        require(courierId != null && !courierId.isBlank(), "escudo.courier.id must not be blank");
        Map<Integer, Role> ports = new HashMap<>();
        for (Role role : roles) {
            int port = port(role, issuerPort, merchantPort, courierPort);
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

    /** The identifier of the party in {@code role}: the bank id, the merchant's S_id, the courier's S2 id. */
    public String id(Role role) {
        return switch (role) {
            case ISSUER -> issuerId;
            case MERCHANT -> merchantId;
            case COURIER -> courierId;
        };
    }

    public int port(Role role) {
        return port(role, issuerPort, merchantPort, courierPort);
    }

    public Jdbc jdbc(Role role) {
        return switch (role) {
            case ISSUER -> issuerJdbc;
            case MERCHANT -> merchantJdbc;
            case COURIER -> courierJdbc;
        };
    }

    /** The value of a setting a feature declares; the node's own are this record's components. */
    @SuppressWarnings("unchecked") // the value was made by this very setting's parser (or is its default)
    public <T> T setting(Setting<T> setting) {
        Object value = features.values().get(setting.key());
        if (value == null) {
            throw new IllegalArgumentException(setting.key() + " is declared by no installed feature");
        }
        return (T) value;
    }

    /** The defaults overridden by {@code settings} (keys as in the file), nothing read from the environment. */
    public static NodeConfig of(Map<String, String> settings) {
        return new Sources(Layer.given(settings), Map.of(), Map.of(), declared()).build();
    }

    /** Every default, as if there were no file, environment or system properties. */
    public static NodeConfig defaults() {
        return of(Map.of());
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
        Layer fileLayer = file == null ? Layer.given(Map.of()) : Layer.file(file);
        return new Sources(fileLayer, env, systemProperties, declared()).build();
    }

    /** Every setting this node reads: the node's own, then each installed feature's, in the order they join. */
    public static List<Declared> declared() {
        return declared(PartyNode.installedFeatures());
    }

    static List<Declared> declared(List<Feature> features) {
        List<Declared> all = new ArrayList<>();
        all.add(new Declared(OWNER, DATA_DIR));
        all.add(new Declared(OWNER, BIND_HOST));
        all.add(new Declared(OWNER, ROLES));
        for (Role role : Role.values()) {
            role.settings().all().forEach(setting -> all.add(new Declared(OWNER, setting)));
        }
        all.add(new Declared(OWNER, MERCHANT_CURRENCY));
        all.add(new Declared(OWNER, RATE_LIMIT));
        all.add(new Declared(OWNER, RATE_BURST));
        for (Feature feature : features) {
            for (Setting<?> setting : feature.settings()) {
                if (setting.defaultValue() == null) {
                    throw new IllegalStateException(feature.name() + " declares " + setting.key() + " without a default");
                }
                all.add(new Declared(feature.name(), setting));
            }
        }
        Map<String, String> owners = new HashMap<>();
        for (Declared declared : all) {
            String other = owners.put(declared.setting().key(), declared.owner());
            if (other != null) {
                throw new IllegalStateException(declared.setting().key() + " is declared by both " + other + " and "
                        + declared.owner() + "; each key has one owner");
            }
        }
        return List.copyOf(all);
    }

    private static Map<String, String> systemProperties() {
        Properties properties = System.getProperties();
        return properties.stringPropertyNames().stream().filter(key -> key.startsWith("escudo."))
                .collect(Collectors.toMap(Function.identity(), properties::getProperty));
    }

    private static int port(Role role, int issuerPort, int merchantPort, int courierPort) {
        return switch (role) {
            case ISSUER -> issuerPort;
            case MERCHANT -> merchantPort;
            case COURIER -> courierPort;
        };
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw invalid(message);
        }
    }

    private static EscudoException invalid(String message) {
        return new EscudoException(INVALID, message);
    }

    /** The weakest source: the properties file, or the settings a test gives; named in error messages. */
    private record Layer(Map<String, String> values, String origin) {

        static Layer given(Map<String, String> values) {
            return new Layer(Map.copyOf(values), "in the given settings");
        }

        static Layer file(Path file) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw invalid("cannot read configuration file " + file + ": " + e.getMessage());
            }
            Map<String, String> values = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
            return new Layer(values, "in " + file);
        }
    }

    /** The sources layered by Helidon Config, and the declared settings resolved from them. */
    private static final class Sources {

        private final Layer file;
        private final Map<String, String> env;
        private final Map<String, String> system;
        private final List<Declared> declared;
        private final Config merged;

        Sources(Layer file, Map<String, String> env, Map<String, String> system, List<Declared> declared) {
            this.file = file;
            // only this project's variables: Helidon maps ESCUDO_ISSUER_PORT to escudo.issuer.port
            this.env = env.entrySet().stream().filter(e -> e.getKey().toUpperCase(Locale.ROOT).startsWith("ESCUDO_"))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            this.system = Map.copyOf(system);
            this.declared = declared;
            refuseUnknownKeys();
            // the first source is the strongest
            this.merged = Config.just(ConfigSources.create(this.system, "system properties"),
                    ConfigSources.create(EnvironmentVariables.expand(this.env), "environment variables"),
                    ConfigSources.create(file.values(), file.origin()));
        }

        NodeConfig build() {
            Path dataDir = value(DATA_DIR);
            String bindHost = value(BIND_HOST);
            String loopback = switch (bindHost) {
                case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
                default -> bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
            };
            Map<Role, RoleValues> parties = new HashMap<>();
            for (Role role : Role.values()) {
                RoleSettings keys = role.settings();
                int port = value(keys.port());
                String defaultJdbcUrl = "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve(role.id())
                        + ";DB_CLOSE_ON_EXIT=FALSE";
                parties.put(role, new RoleValues(value(keys.id()), port,
                        find(keys.url()).orElse(URI.create("http://" + loopback + ":" + port)),
                        new Jdbc(find(keys.jdbcUrl()).orElse(defaultJdbcUrl), value(keys.jdbcUser()), value(keys.jdbcPassword()))));
            }
            Map<String, Object> featureValues = new HashMap<>();
            Set<String> secrets = new TreeSet<>();
            for (Declared d : declared) {
                if (!d.owner().equals(OWNER)) {
                    featureValues.put(d.setting().key(), value(d.setting()));
                    if (d.setting().secret()) {
                        secrets.add(d.setting().key());
                    }
                }
            }
            RoleValues issuer = parties.get(Role.ISSUER);
            RoleValues merchant = parties.get(Role.MERCHANT);
            RoleValues courier = parties.get(Role.COURIER);
            return new NodeConfig(dataDir, bindHost, value(ROLES),
                    issuer.id(), issuer.port(), issuer.url(), issuer.jdbc(),
                    merchant.id(), merchant.port(), merchant.url(), value(MERCHANT_CURRENCY), merchant.jdbc(),
                    courier.id(), courier.port(), courier.url(), courier.jdbc(),
                    new RateLimit.Settings(value(RATE_LIMIT), value(RATE_BURST)),
                    new FeatureSettings(featureValues, secrets));
        }

        private record RoleValues(String id, int port, URI url, Jdbc jdbc) {}

        private void refuseUnknownKeys() {
            Set<String> known = declared.stream().map(d -> d.setting().key())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            Set<String> unknown = new TreeSet<>(file.values().keySet());
            unknown.removeAll(known);
            if (!unknown.isEmpty()) {
                throw new EscudoException(UNKNOWN_KEY, "unknown setting"
                        + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " " + file.origin()
                        + "; the known settings are " + String.join(", ", known));
            }
        }

        private <T> T value(Setting<T> setting) {
            return find(setting).orElseGet(() -> Objects.requireNonNull(setting.defaultValue(), setting.key()));
        }

        /** The value the sources set (a blank one counts as unset), parsed by the setting. */
        private <T> Optional<T> find(Setting<T> setting) {
            Optional<String> text = merged.get(setting.key()).asString().asOptional().map(String::strip)
                    .filter(t -> !t.isEmpty());
            try {
                return text.map(setting::parse);
            } catch (IllegalArgumentException | EscudoException e) {
                throw invalid(setting.key() + " (" + origin(setting.key()) + ") " + e.getMessage());
            }
        }

        /** Where the value of {@code key} came from, for error messages. */
        private String origin(String key) {
            if (system.containsKey(key)) {
                return "system property " + key;
            }
            return env.keySet().stream()
                    .filter(name -> EnvironmentVariables.expand(Map.of(name, "")).containsKey(key))
                    .findFirst().map(name -> "environment variable " + name)
                    .orElse(file.origin());
        }
    }
}
