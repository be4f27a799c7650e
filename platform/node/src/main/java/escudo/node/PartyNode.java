package escudo.node;

import escudo.node.NodeConfig.Role;
import escudo.node.http.AccessLog;
import escudo.node.http.NodeServer;
import escudo.node.http.RateLimit;
import escudo.node.spi.Feature;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import escudo.node.spi.Party;
import escudo.node.spi.Secrets;
import escudo.storage.Database;
import io.helidon.webserver.http.HttpRules;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running party (the bank, a merchant or a courier) on its own port and database: what the
 * {@link Feature}s made of it when it started, served over HTTP.
 * <pre>{@code
 * try (PartyNode bank = PartyNode.of(Role.ISSUER, config).database(db).secrets(Secrets.ephemeral(key)).start()) {
 *     Issuer issuer = bank.service(Issuer.class);
 * }
 * }</pre>
 */
public final class PartyNode implements AutoCloseable {

    private final Role role;
    private final String id;
    private final String operatorToken;
    private final Map<Class<?>, Object> services;
    private final Deque<AutoCloseable> resources;
    private final NodeServer server;

    private PartyNode(Role role, String id, String operatorToken, Map<Class<?>, Object> services,
                      Deque<AutoCloseable> resources, NodeServer server) {
        this.role = role;
        this.id = id;
        this.operatorToken = operatorToken;
        this.services = services;
        this.resources = resources;
        this.server = server;
    }

    /** Every feature on the class path, in the order they join a party. */
    public static List<Feature> installedFeatures() {
        return ServiceLoader.load(Feature.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(Feature::order).thenComparing(Feature::name)).toList();
    }

    /** A party of {@code role} as {@code config} describes it (its id, port, and the node's settings). */
    public static Starter of(Role role, NodeConfig config) {
        return new Starter(role, config);
    }

    public Role role() {
        return role;
    }

    public String id() {
        return id;
    }

    public URI uri() {
        return server.uri();
    }

    /** The token this party's desk presents for its operator endpoints. */
    public String operatorToken() {
        return operatorToken;
    }

    /** What a feature provided to this party, such as the bank's {@code Issuer}. */
    public <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    public <T> T service(Class<T> type) {
        return find(type).orElseThrow(() -> new IllegalStateException(role.id() + " " + id + " has no " + type.getSimpleName()));
    }

    @Override
    public void close() {
        server.close();
        closeAll(resources, null);
    }

    private static void closeAll(Deque<AutoCloseable> resources, RuntimeException failure) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    System.getLogger(PartyNode.class.getName()).log(System.Logger.Level.WARNING, "closing a party failed", e);
                }
            }
        }
    }

    /** Collects what a party starts with; {@link #start} lets every feature join, then serves. */
    public static final class Starter {

        private final Role role;
        private final NodeConfig config;
        private final Map<Class<?>, Object> services = new HashMap<>();
        private Database db;
        private Secrets secrets;
        private List<Feature> features;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService jobs;

        private Starter(Role role, NodeConfig config) {
            this.role = Objects.requireNonNull(role, "role");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The party's database; the party owns it from {@link #start} on and closes it. */
        public Starter database(Database db) {
            this.db = Objects.requireNonNull(db, "db");
            return this;
        }

        public Starter secrets(Secrets secrets) {
            this.secrets = Objects.requireNonNull(secrets, "secrets");
            return this;
        }

        /** Only these features (default: {@link #installedFeatures()}), e.g. a merchant without a web shop. */
        public Starter features(List<Feature> features) {
            this.features = List.copyOf(features);
            return this;
        }

        public Starter clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A service the features find instead of making their own (such as explicit S2 keys in a test). */
        public <T> Starter with(Class<T> type, T service) {
            services.put(type, type.cast(Objects.requireNonNull(service, "service")));
            return this;
        }

        public PartyNode start() {
            Objects.requireNonNull(secrets, "secrets");
            NodeConfig.Jdbc jdbc = config.jdbc(role);
            Database database = db != null ? db : Database.open(jdbc.url(), jdbc.user(), jdbc.password());
            Deque<AutoCloseable> resources = new ArrayDeque<>();
            resources.push(database);
            List<Consumer<HttpRules>> routes = new ArrayList<>();
            Context party = new Context(this, database, resources, routes, new RateLimit(config.rateLimit(), clock));
            try {
                for (Feature feature : features != null ? features : installedFeatures()) {
                    feature.join(party);
                }
                NodeServer server = NodeServer.start(config.bindHost(), config.port(role), NodeServer.Limits.DEFAULT, List.of(databaseReady(database)),
                        routing -> {
                            routing.addFilter(new AccessLog(role.id(), party.id()));
                            routes.forEach(r -> r.accept(routing));
                        });
                return new PartyNode(role, party.id(), secrets.operatorToken(), Map.copyOf(services), resources, server);
            } catch (RuntimeException e) {
                closeAll(resources, e);
                throw e;
            }
        }

        private String id() {
            return config.id(role);
        }

        /** Readiness: the party's database answers within 2 s and has applied every migration of its features. */
        private static HealthCheck databaseReady(Database database) {
            return new HealthCheck() {
                @Override
                public String name() {
                    return "database";
                }

                @Override
                public HealthCheckResponse call() {
                    return HealthCheckResponse.builder().status(database.ready(Duration.ofSeconds(2))).build();
                }
            };
        }
    }

    /** The party as the features see it while it starts. */
    private record Context(Starter starter, Database db, Deque<AutoCloseable> resources, List<Consumer<HttpRules>> routeList,
                           RateLimit rateLimit) implements Party {

        @Override
        public Role role() {
            return starter.role;
        }

        @Override
        public String id() {
            return starter.id();
        }

        @Override
        public NodeConfig config() {
            return starter.config;
        }

        @Override
        public Clock clock() {
            return starter.clock;
        }

        @Override
        public Secrets secrets() {
            return starter.secrets;
        }

        @Override
        public <T> void provide(Class<T> type, T service) {
            if (starter.services.putIfAbsent(type, type.cast(Objects.requireNonNull(service, "service"))) != null) {
                throw new IllegalStateException(type.getSimpleName() + " is provided twice to " + role().id() + " " + id());
            }
        }

        @Override
        public <T> Optional<T> find(Class<T> type) {
            return Optional.ofNullable(type.cast(starter.services.get(type)));
        }

        @Override
        public void routes(Consumer<HttpRules> routes) {
            routeList.add(Objects.requireNonNull(routes, "routes"));
        }

        @Override
        public void onClose(AutoCloseable resource) {
            resources.push(Objects.requireNonNull(resource, "resource"));
        }

        @Override
        public void every(Duration period, String name, Runnable job) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(job, "job");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a job's period must be positive");
            }
            if (starter.jobs == null) {
                ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("escudo-" + role().id() + "-jobs").factory());
                starter.jobs = jobs;
                onClose(() -> { // before the database closes (resources close in reverse order), after a run in progress
                    jobs.shutdownNow();
                    jobs.awaitTermination(10, TimeUnit.SECONDS);
                });
            }
            starter.jobs.scheduleWithFixedDelay(() -> {
                try {
                    job.run();
                } catch (RuntimeException e) {
                    System.getLogger(PartyNode.class.getName()).log(System.Logger.Level.WARNING,
                            role().id() + " " + id() + ": the job '" + name + "' failed; it runs again in " + period, e);
                }
            }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
