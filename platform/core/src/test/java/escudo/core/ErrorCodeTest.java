package escudo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.EscudoException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorCodeTest {

    @Test
    void aDeclaredCodeCarriesItsValueAndKind() {
        ErrorCode code = ErrorCode.declare("codetest.declared", Kind.REFUSED);
        assertEquals("codetest.declared", code.value());
        assertEquals("codetest.declared", code.toString());
        assertSame(Kind.REFUSED, code.kind());
    }

    @Test
    void aCodeIsDeclaredOnceOnly() {
        ErrorCode.declare("codetest.owned", Kind.CONFLICT);
        assertThrows(IllegalStateException.class, () -> ErrorCode.declare("codetest.owned", Kind.CONFLICT));
        assertThrows(IllegalStateException.class, () -> ErrorCode.declare("codetest.owned", Kind.INVALID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Ledger.funds", "ledger.Funds", "ledger funds", "ledger..funds", ".funds", "ledger.", "1ledger.funds",
            "ledger.funds\n", "ledger.a234567890123456789012345678901234567890123456789012345678"})
    void aMalformedValueIsNoCode(String value) {
        assertThrows(IllegalArgumentException.class, () -> ErrorCode.declare(value, Kind.INVALID));
        assertThrows(IllegalArgumentException.class, () -> ErrorCode.decode(value, Kind.INVALID));
    }

    @Test
    void decodingAKnownCodeGivesTheOwnersConstantWhateverTheCarrierSays() {
        ErrorCode constant = ErrorCode.declare("codetest.known", Kind.CONFLICT);
        assertSame(constant, ErrorCode.decode("codetest.known", Kind.CONFLICT));
        assertSame(constant, ErrorCode.decode("codetest.known", Kind.REFUSED));
        assertSame(Kind.CONFLICT, constant.kind());
    }

    @Test
    void anUnknownCodeKeepsTheCarriersKindAndIsTheSameObjectEachTime() {
        ErrorCode first = ErrorCode.decode("codetest.foreign", Kind.NOT_FOUND);
        assertSame(Kind.NOT_FOUND, first.kind());
        assertSame(first, ErrorCode.decode("codetest.foreign", Kind.INTERNAL));
    }

    @Test
    void anOwnerLoadingAfterADecodeMakesThatVeryObjectItsConstant() {
        ErrorCode decoded = ErrorCode.decode("codetest.late-owner", Kind.REFUSED);
        ErrorCode declared = ErrorCode.declare("codetest.late-owner", Kind.CONFLICT);
        assertSame(decoded, declared);
        assertSame(Kind.CONFLICT, declared.kind(), "the owner says what kind the code is");
        assertThrows(IllegalStateException.class, () -> ErrorCode.declare("codetest.late-owner", Kind.CONFLICT));
    }

    @Test
    void aFailureIsOfItsCodesKindUnlessItIsRelayedAsAnother() {
        ErrorCode code = ErrorCode.declare("codetest.relayed", Kind.CONFLICT);
        EscudoException own = new EscudoException(code, "replayed");
        assertSame(code, own.code());
        assertSame(Kind.CONFLICT, own.kind());
        EscudoException relayed = new EscudoException(Kind.REFUSED, code, "the issuer declined: replayed");
        assertSame(code, relayed.code());
        assertSame(Kind.REFUSED, relayed.kind());
        assertEquals("the issuer declined: replayed", relayed.getMessage());
    }
}
