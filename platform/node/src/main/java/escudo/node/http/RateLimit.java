package escudo.node.http;

import escudo.core.EscudoException;
import escudo.http.Problem;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A token bucket per client address for a party's open endpoints that create rows (S3 payments,
 * the S2 shop's order forms and channel, S0 device registration): an address may make {@code burst} such requests
 * at once and {@link Settings#perSecond} a second after that; past it a request is refused
 * {@code 429 request.rate-limited} with a {@code Retry-After} header, before any work is done. An
 * IPv6 client is counted by its /64, which one host usually holds whole. At most
 * {@link #MAX_ADDRESSES} addresses are tracked, the least recently seen forgotten first, so many
 * addresses cannot fill the limiter itself; a forgotten address starts again with a full bucket.
 */
public final class RateLimit {

    /** Addresses tracked at once: about a megabyte at most. */
    public static final int MAX_ADDRESSES = 10_000;

    /**
     * @param perSecond requests an address may make a second, sustained
     * @param burst     requests an address may make at once (the bucket's size)
     */
    public record Settings(long perSecond, long burst) {

        public static final Settings DEFAULT = new Settings(5, 20);

        public Settings {
            if (perSecond < 1 || burst < 1) {
                throw new IllegalArgumentException("a rate limit allows at least one request a second and a burst of one");
            }
        }
    }

    /** A request over its client's limit; {@link Routes} answers it 429 with {@code Retry-After}. */
    public static final class Exceeded extends EscudoException {

        private final Duration retryAfter;

        Exceeded(Duration retryAfter) {
            super(Problem.RATE_LIMITED, "too many requests from this address; try again in " + retryAfter.toSeconds() + " s");
            this.retryAfter = retryAfter;
        }

        /** When the client's next request will be admitted, in whole seconds (at least one). */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    private final Settings settings;
    private final Clock clock;
    /** Least recently seen first; guarded by itself. */
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public RateLimit(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Takes one request of the caller's allowance, or refuses it with {@link Exceeded}. */
    public void admit(Request request) {
        admit(client(request.raw().remotePeer().address()));
    }

    /** {@link #admit(Request)} for a client already named by its key. */
    void admit(String client) {
        Instant now = clock.instant();
        Duration wait;
        synchronized (buckets) {
            Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(settings.burst(), now));
            wait = bucket.take(now, settings);
        }
        if (wait != null) {
            throw new Exceeded(wait);
        }
    }

    /** Addresses tracked now, for tests. */
    int tracked() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** The key a client is counted under: its IPv4 address, the /64 of its IPv6 address. */
    static String client(SocketAddress address) {
        InetAddress ip = address instanceof InetSocketAddress socket ? socket.getAddress() : null;
        if (ip == null) {
            return String.valueOf(address);
        }
        byte[] bytes = ip.getAddress();
        return ip instanceof Inet6Address ? "v6:" + HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) : ip.getHostAddress();
    }

    /** Tokens left and when they were counted; a request costs one, time refills them up to the burst. */
    private static final class Bucket {
        private double tokens;
        private Instant counted;

        Bucket(double tokens, Instant counted) {
            this.tokens = tokens;
            this.counted = counted;
        }

        /** Null when a token was taken, else how long until one is there. */
        Duration take(Instant now, Settings settings) {
            if (now.isAfter(counted)) { // a clock set back refills nothing
                double elapsed = Duration.between(counted, now).toNanos() / 1e9;
                tokens = Math.min(settings.burst(), tokens + elapsed * settings.perSecond());
                counted = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return null;
            }
            double seconds = (1 - tokens) / settings.perSecond();
            return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
        }
    }
}
