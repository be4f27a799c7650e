package escudo.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.ErrorCode;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.core.Text;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    /** A refusal of the test's own payload type, thrown from its constructor while Jackson reads it. */
    static final ErrorCode AMOUNT_NOT_POSITIVE = ErrorCode.declare("payment.amount-not-positive", Kind.INVALID);

    record Payment(String id, Money amount, byte[] token, Instant at, String memo) {
        Payment {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(amount, "amount");
            if (!amount.isPositive()) {
                throw new EscudoException(AMOUNT_NOT_POSITIVE, "the amount must be positive");
            }
        }
    }

    record Count(long value) {
    }

    record Batch(List<Payment> payments) {
    }

    private static final Payment PAYMENT = new Payment("p-1", Money.of(1250, "EUR"), new byte[] {1, 2, 3, (byte) 0xff},
            Instant.parse("2025-01-31T12:00:00.123Z"), null);

    @Test
    void writesMoneyBytesAndInstantInTheirWireForm() {
        String json = new String(Json.write(PAYMENT), UTF_8);
        assertEquals("{\"id\":\"p-1\",\"amount\":{\"minor\":1250,\"currency\":\"EUR\"},\"token\":\"AQID/w==\","
                + "\"at\":\"2025-01-31T12:00:00.123Z\",\"memo\":null}", json);
    }

    record Labels(java.util.Map<String, String> labels) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\r\\nSet-Cookie: a=1", "\\u202e", "\\ud800", "\\u0085", "\\u2028"})
    void aStringFieldWithAControlBidiOrBrokenCharacterIsRefusedWithoutEchoingIt(String escaped) {
        String body = "{\"id\":\"p-1\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":\"AQ==\","
                + "\"at\":\"2025-01-31T12:00:00Z\",\"memo\":\"<b>" + escaped + "</b>\"}";
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(body.getBytes(UTF_8), Payment.class));
        assertEquals(Text.INVALID, e.code());
        assertEquals("'memo' holds a control, bidirectional or unpaired surrogate character", e.getMessage());
        EscudoException key = assertThrows(EscudoException.class,
                () -> Json.read(("{\"labels\":{\"a" + escaped + "\":\"x\"}}").getBytes(UTF_8), Labels.class));
        assertEquals(Text.INVALID, key.code());
        assertFalse(key.getMessage().contains("a" + escaped), key.getMessage());
    }

    @Test
    void aCurrencyThatIsNotIso4217IsRefusedWithoutEchoingIt() {
        String script = "<script>" + "x".repeat(5000) + "</script>";
        String body = "{\"id\":\"p-1\",\"amount\":{\"minor\":1,\"currency\":\"" + script + "\"},\"token\":\"AQ==\","
                + "\"at\":\"2025-01-31T12:00:00Z\",\"memo\":null}";
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(body.getBytes(UTF_8), Payment.class));
        assertEquals(Money.INVALID, e.code());
        assertFalse(e.getMessage().contains("script"), e.getMessage());
    }

    @Test
    void readsWhatItWrites() {
        Payment read = Json.read(Json.write(PAYMENT), Payment.class);
        assertEquals(PAYMENT.id(), read.id());
        assertEquals(PAYMENT.amount(), read.amount());
        assertArrayEquals(PAYMENT.token(), read.token());
        assertEquals(PAYMENT.at(), read.at());
        assertNull(read.memo());
    }

    record ArrayToken(byte[] token) {
    }

    record BytesToken(Bytes token) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "010203ff", "fbff", "00000000000000000000000000000000000000000000000000000000000000000000000000"})
    void bytesAreWrittenExactlyAsByteArraysAre(String hex) {
        byte[] raw = java.util.HexFormat.of().parseHex(hex);
        assertArrayEquals(Json.write(new ArrayToken(raw)), Json.write(new BytesToken(Bytes.of(raw))));
        assertEquals("{\"token\":\"AQID/w==\"}", new String(Json.write(new BytesToken(Bytes.ofHex("010203ff"))), UTF_8));
        assertEquals("{\"token\":null}", new String(Json.write(new BytesToken(null)), UTF_8));
    }

    /** Whatever a byte[] field accepts a Bytes field accepts with the same content, and what one refuses the other refuses. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"token\":\"AQID/w==\"}", "{\"token\":\"AQID/w\"}", "{\"token\":\"\"}", "{\"token\":null}",
            "{\"token\":\"AQ!D\"}", "{\"token\":[1,2,3]}", "{\"token\":3}", "{\"token\":{}}", "{\"token\":true}", "{}"})
    void bytesAreReadExactlyAsByteArraysAre(String json) {
        byte[] input = json.getBytes(UTF_8);
        Object asArray;
        Object asBytes;
        try {
            byte[] token = Json.read(input, ArrayToken.class).token();
            asArray = token == null ? "null" : Bytes.of(token);
        } catch (EscudoException e) {
            asArray = e.code();
        }
        try {
            Bytes token = Json.read(input, BytesToken.class).token();
            asBytes = token == null ? "null" : token;
        } catch (EscudoException e) {
            asBytes = e.code();
        }
        assertEquals(asArray, asBytes);
    }

    @Test
    void recordHelperMethodsAreNotProperties() {
        record WithHelper(long minor) {
            public boolean isZero() {
                return minor == 0;
            }

            public long getDouble() {
                return minor * 2;
            }
        }
        assertEquals("{\"minor\":0}", new String(Json.write(new WithHelper(0)), UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null,\"x\":1}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1.5,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":\"1\",\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\",\"scale\":2},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":12.5,\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":\"%%%\",\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":\"yesterday\",\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":12,\"memo\":null}",
            "{\"id\":12,\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":true}",
            "{\"id\":null,\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"id\":\"q\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}",
            "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null} {}",
            "{\"id\":\"p\",",
            "not json",
            "null",
            "[]",
            ""})
    void refusesWhatIsNotExactlyAPayment(String json) {
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(json.getBytes(UTF_8), Payment.class));
        assertEquals(Kind.INVALID, e.kind());
        assertEquals(Json.MALFORMED, e.code());
    }

    @Test
    void namesTheFieldButNeverEchoesTheValue() {
        EscudoException unknown = assertThrows(EscudoException.class, () -> Json.read(
                ("{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,"
                        + "\"memo\":null,\"pin\":\"4711-secret\"}").getBytes(UTF_8), Payment.class));
        assertTrue(unknown.getMessage().contains("'pin'"), unknown.getMessage());
        assertFalse(unknown.getMessage().contains("4711"), unknown.getMessage());

        EscudoException badToken = assertThrows(EscudoException.class, () -> Json.read(
                "{\"secret-garbage-4711".getBytes(UTF_8), Payment.class));
        assertFalse(badToken.getMessage().contains("4711"), badToken.getMessage());

        EscudoException wrongType = assertThrows(EscudoException.class, () -> Json.read(
                "{\"value\":\"4711-secret\"}".getBytes(UTF_8), Count.class));
        assertTrue(wrongType.getMessage().contains("'value'"), wrongType.getMessage());
        assertFalse(wrongType.getMessage().contains("4711"), wrongType.getMessage());
    }

    @Test
    void aMissingFieldIsNamed() {
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(
                "{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null}".getBytes(UTF_8),
                Payment.class));
        assertEquals(Json.MALFORMED, e.code());
        assertTrue(e.getMessage().contains("missing field 'memo'"), e.getMessage());
    }

    @Test
    void aMissingPrimitiveIsRefusedNotDefaultedToZero() {
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read("{}".getBytes(UTF_8), Count.class));
        assertEquals(Json.MALFORMED, e.code());
    }

    @Test
    void theEscudoExceptionOfAConstructorComesThroughAsIs() {
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(
                "{\"id\":\"p\",\"amount\":{\"minor\":-5,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}"
                        .getBytes(UTF_8), Payment.class));
        assertEquals(AMOUNT_NOT_POSITIVE, e.code());

        EscudoException currency = assertThrows(EscudoException.class, () -> Json.read(
                "{\"id\":\"p\",\"amount\":{\"minor\":5,\"currency\":\"XYZ\"},\"token\":null,\"at\":null,\"memo\":null}"
                        .getBytes(UTF_8), Payment.class));
        assertEquals(Money.INVALID, currency.code());
    }

    @Test
    void aConstructorsNullCheckNamesTheField() {
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(
                "{\"id\":null,\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null}"
                        .getBytes(UTF_8), Payment.class));
        assertEquals(Json.MALFORMED, e.code());
        assertEquals("invalid Payment: 'id' is required", e.getMessage());
    }

    @Test
    void pathsIntoNestedValuesAreShown() {
        EscudoException e = assertThrows(EscudoException.class, () -> Json.read(
                "{\"payments\":[{\"id\":\"p\",\"amount\":{\"minor\":1,\"currency\":\"EUR\"},\"token\":null,\"at\":null,\"memo\":null,\"x\":1}]}"
                        .getBytes(UTF_8), Batch.class));
        assertTrue(e.getMessage().contains("payments[0].x"), e.getMessage());
    }

    @Test
    void moneyRoundTripsAlone() {
        Money money = Money.of(-42, "JPY");
        assertEquals("{\"minor\":-42,\"currency\":\"JPY\"}", new String(Json.write(money), UTF_8));
        assertEquals(money, Json.read(Json.write(money), Money.class));
    }
}
