package escudo.node.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.http.Problem;
import escudo.testing.TestClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The token bucket on its own: burst, refill, a clock set back, and the bounded table of addresses. */
class RateLimitTest {

    private final TestClock clock = new TestClock(Instant.parse("2025-06-01T10:00:00Z"));

    private static void admitTimes(RateLimit limit, String client, int times) {
        for (int i = 0; i < times; i++) {
            limit.admit(client);
        }
    }

    @Test
    void anAddressMakesItsBurstThenWaitsForTheRefill() {
        RateLimit limit = new RateLimit(new RateLimit.Settings(2, 4), clock);
        admitTimes(limit, "192.0.2.1", 4);
        RateLimit.Exceeded refused = assertThrows(RateLimit.Exceeded.class, () -> limit.admit("192.0.2.1"));
        assertEquals(Problem.RATE_LIMITED, refused.code());
        assertEquals(Duration.ofSeconds(1), refused.retryAfter(), "half a second to the next token, said in whole seconds");
        limit.admit("192.0.2.2"); // another address has its own bucket

        clock.advance(Duration.ofMillis(500));
        limit.admit("192.0.2.1");
        assertThrows(RateLimit.Exceeded.class, () -> limit.admit("192.0.2.1"));
    }

    @Test
    void aLongPauseRefillsNoMoreThanTheBurstAndAClockSetBackRefillsNothing() {
        RateLimit limit = new RateLimit(new RateLimit.Settings(1, 3), clock);
        clock.advance(Duration.ofDays(1));
        admitTimes(limit, "192.0.2.1", 3);
        assertThrows(RateLimit.Exceeded.class, () -> limit.admit("192.0.2.1"));

        clock.advance(Duration.ofHours(-1));
        assertThrows(RateLimit.Exceeded.class, () -> limit.admit("192.0.2.1"));
        clock.advance(Duration.ofHours(1));
        RateLimit.Exceeded refused = assertThrows(RateLimit.Exceeded.class, () -> limit.admit("192.0.2.1"),
                "back to where it was: still no time has passed for the bucket");
        assertEquals(Duration.ofSeconds(1), refused.retryAfter());
        clock.advance(Duration.ofSeconds(1));
        assertDoesNotThrow(() -> limit.admit("192.0.2.1"));
    }

    @Test
    void manyAddressesCannotFillTheTableTheLeastRecentlySeenIsForgotten() {
        RateLimit limit = new RateLimit(new RateLimit.Settings(1, 1), clock);
        limit.admit("first");
        assertThrows(RateLimit.Exceeded.class, () -> limit.admit("first"));
        limit.admit("recent");
        for (int i = 0; i < RateLimit.MAX_ADDRESSES + 500; i++) {
            limit.admit("spoofed-" + i);
            if (i % 1000 == 0) {
                assertThrows(RateLimit.Exceeded.class, () -> limit.admit("recent"), "kept while seen");
            }
        }
        assertEquals(RateLimit.MAX_ADDRESSES, limit.tracked());
        limit.admit("first"); // forgotten long ago: it starts with a full bucket again
    }

    @Test
    void anIpv6HostIsCountedByItsSlash64AndIpv4ByItsAddress() throws Exception {
        String a = RateLimit.client(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2::1"), 5000));
        String b = RateLimit.client(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2:ffff::9"), 5001));
        String other = RateLimit.client(new InetSocketAddress(InetAddress.getByName("2001:db8:1:3::1"), 5000));
        assertEquals(a, b);
        assertNotEquals(a, other);
        assertEquals("192.0.2.7", RateLimit.client(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 80)));
        assertNotEquals(RateLimit.client(new InetSocketAddress(InetAddress.getByName("192.0.2.8"), 80)),
                RateLimit.client(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 80)));
    }
}
