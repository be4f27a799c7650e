package escudo.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id of the request a party is serving, carried in {@value #HEADER} from party to party: a node
 * takes the caller's id (or makes one), serves the request within it, and every {@link PartyClient}
 * call made while serving sends it on, so one id follows a payment through the merchant's and the
 * bank's logs.
 */
public final class RequestId {

    public static final String HEADER = "X-Request-Id";

    private static final ScopedValue<String> CURRENT = ScopedValue.newInstance();
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._-]{8,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestId() {
    }

    /** The id of the request being served on this thread, if any. */
    public static Optional<String> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /** Runs {@code work} as the serving of request {@code id}. */
    public static void within(String id, Runnable work) {
        ScopedValue.where(CURRENT, id).run(work);
    }

    /** The caller's id if it is one (8-64 letters, digits, '.', '_', '-'), else a fresh one: a header is never logged as it came. */
    public static String takeOrMake(String fromCaller) {
        return fromCaller != null && WELL_FORMED.matcher(fromCaller).matches() ? fromCaller : fresh();
    }

    private static String fresh() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
