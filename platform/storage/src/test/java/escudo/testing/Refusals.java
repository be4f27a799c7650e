package escudo.testing;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import org.junit.jupiter.api.function.Executable;

/**
 * The one way a test says "this is refused with that code", shipped in this module's test-jar.
 * The code is matched by identity with its owner's constant, as callers in main code match it.
 */
public final class Refusals {

    private Refusals() {
    }

    /** {@code action} fails with {@code code}, of the code's own kind; returns the failure for further checks. */
    public static EscudoException assertRefused(ErrorCode code, Executable action) {
        return assertRefused(EscudoException.class, code, code.kind(), action);
    }

    /** {@code action} fails with an exception of {@code type} and {@code code}, of the code's own kind. */
    public static <E extends EscudoException> E assertRefused(Class<E> type, ErrorCode code, Executable action) {
        return assertRefused(type, code, code.kind(), action);
    }

    /**
     * {@code action} fails with {@code code} as a failure of {@code kind}: a code relayed under
     * another kind than its own (a seller refuses an order with its issuer's decline reason).
     */
    public static EscudoException assertRefused(ErrorCode code, Kind kind, Executable action) {
        return assertRefused(EscudoException.class, code, kind, action);
    }

    private static <E extends EscudoException> E assertRefused(Class<E> type, ErrorCode code, Kind kind, Executable action) {
        E e = assertThrows(type, action, "expected a refusal with " + code);
        assertSame(code, e.code(), () -> "expected " + code + " but got " + e.code() + ": " + e.getMessage());
        assertSame(kind, e.kind(), () -> code + " as " + kind + ", not " + e.kind() + ": " + e.getMessage());
        return e;
    }
}
