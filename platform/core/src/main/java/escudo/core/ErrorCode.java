package escudo.core;

import escudo.core.EscudoException.Kind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A stable failure code such as {@code ledger.insufficient-funds}, with the {@link Kind} of failure
 * it is. Each code is owned by one module, whose exception class declares it once as a constant
 * ({@code LedgerException.INSUFFICIENT_FUNDS}); everyone else imports that constant and matches it
 * by identity, as with an enum value. There is one object per code value, so a code decoded from
 * the wire ({@link #decode}) is the very constant its owner declared.
 */
public final class ErrorCode {

    /** Lower-case {@code module.reason}, as the problem documents' {@code code} has always been. */
    private static final Pattern FORMAT = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*");

    /** Every code seen so far, declared or decoded; guarded by the class lock. */
    private static final Map<String, ErrorCode> CODES = new HashMap<>();
    /** Past this many codes, unknown ones decoded from the wire are no longer kept: a peer cannot fill memory. */
    private static final int MAX_CODES = 4096;
    /** The values an owner declared; a value decoded first may be declared later, but only once. */
    private static final Set<String> DECLARED = new HashSet<>();

    private final String value;
    /** Set again only once, when the owner declares a code that was decoded before the owner loaded. */
    private volatile Kind kind;

    private ErrorCode(String value, Kind kind) {
        this.value = value;
        this.kind = kind;
    }

    /**
     * The owner's constant for {@code value}. Declaring a value twice is a bug (two modules claiming
     * one code), and so is a malformed value; both fail when the owning class loads.
     */
    public static synchronized ErrorCode declare(String value, Kind kind) {
        check(value, kind);
        if (!DECLARED.add(value)) {
            throw new IllegalStateException("error code " + value + " is declared twice");
        }
        ErrorCode code = CODES.computeIfAbsent(value, v -> new ErrorCode(v, kind));
        code.kind = kind; // decoded before its owner loaded: that object becomes the owner's constant
        return code;
    }

    /**
     * The code named {@code value} on the wire. A known code is its owner's constant, whatever
     * {@code kind} says; a code this side does not know (its owner is not loaded yet, or lives in a
     * module this side lacks) becomes one of {@code kind}, the kind its carrier reported, and is
     * kept: if its owner loads later, that very object becomes the owner's constant.
     *
     * @throws IllegalArgumentException if {@code value} is not a well-formed code
     */
    public static synchronized ErrorCode decode(String value, Kind kind) {
        check(value, kind);
        ErrorCode known = CODES.get(value);
        if (known != null) {
            return known;
        }
        ErrorCode unknown = new ErrorCode(value, kind);
        if (CODES.size() < MAX_CODES) {
            CODES.put(value, unknown);
        }
        return unknown;
    }

    private static void check(String value, Kind kind) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(kind, "kind");
        if (value.length() > 64 || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("an error code is lower-case module.reason of at most 64 characters, not '"
                    + value + "'");
        }
    }

    /** The code as it travels: the {@code code} of a problem document, a refusal's code field. */
    public String value() {
        return value;
    }

    /** The kind of failure this code is unless a carrier says otherwise (see {@link EscudoException}). */
    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return value;
    }
}
