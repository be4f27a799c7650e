package escudo.http;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import escudo.core.ErrorCode;
import escudo.core.Bytes;
import escudo.core.Text;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.VerifyingKey;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one JSON mapping every Escudo party speaks. Strict on input, because a payment request that
 * is not exactly what the sender meant must be refused rather than guessed at:
 * <ul>
 *   <li>records map to objects by their components (helper methods such as {@code isPositive()} are
 *       not properties);</li>
 *   <li>every component must be present (send {@code null} explicitly for an optional one); unknown
 *       fields, duplicate keys, trailing content, floats for integers and strings for numbers fail;</li>
 *   <li>{@code byte[]} and {@link Bytes} are base64 (the same encoding), {@link Instant} an ISO-8601 string such as
 *       {@code "2025-01-31T12:00:00Z"}, {@link Money} is {@code {"minor": 1250, "currency": "EUR"}}.</li>
 * </ul>
 * A string that is not a {@linkplain Text#isPlain text} (a control character, a bidi override, a
 * lone surrogate) is refused with {@link Text#INVALID}. A failure to read becomes
 * {@code EscudoException(MALFORMED, ...)} whose message names the field but never echoes a value;
 * an {@link EscudoException} thrown while building a value (a record's compact constructor,
 * {@link Money#currency}) is rethrown as is.
 */
public final class Json {

    /** Code of every input that cannot be read as the expected type. */
    public static final ErrorCode MALFORMED = ErrorCode.declare("request.malformed", Kind.INVALID);
    /** A response value Jackson cannot write: a bug of ours. */
    static final ErrorCode UNWRITABLE = ErrorCode.declare("json.unwritable", Kind.INTERNAL);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(escudoModule())
            .visibility(PropertyAccessor.ALL, Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, Visibility.ANY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, text -> text
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** Problem documents may come from elsewhere: extension members and absent optionals are fine. */
    private static final ObjectReader PROBLEM_READER = MAPPER.readerFor(Problem.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private static final Pattern MISSING = Pattern.compile("Missing (required )?creator property");
    private static final Pattern TRAILING = Pattern.compile("Trailing token");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field");

    private Json() {
    }

    /** The JSON bytes (UTF-8) of a value. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new EscudoException(UNWRITABLE,
                    "cannot write " + (value == null ? "null" : value.getClass().getSimpleName()) + " as JSON", e);
        }
    }

    /** Reads JSON bytes as a {@code type}; never returns null (a JSON {@code null} is refused). */
    public static <T> T read(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw malformed("the body is empty; expected a " + type.getSimpleName());
        }
        T value;
        try {
            value = MAPPER.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw translate(e, type);
        }
        if (value == null) {
            throw malformed("the body is null; expected a " + type.getSimpleName());
        }
        return value;
    }

    /** A problem document, or null if the bytes are not one. */
    public static Problem readProblem(byte[] json) {
        try {
            return PROBLEM_READER.readValue(json);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static EscudoException translate(Exception e, Class<?> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EscudoException escudo) {
                return escudo;
            }
        }
        String name = type.getSimpleName();
        return malformed(switch (e) {
            case UnrecognizedPropertyException u -> "unknown field '" + path(u) + "' in " + name;
            case ValueInstantiationException v ->
                    "invalid " + (path(v).isEmpty() ? name : "'" + path(v) + "'") + reason(v.getCause());
            case JsonMappingException m when startsWith(m, MISSING) -> "missing field '" + path(m) + "' in " + name;
            case JsonMappingException m when startsWith(m, TRAILING) -> "unexpected content after the " + name;
            case JsonMappingException m when path(m).isEmpty() -> "the body is not a " + name;
            case JsonMappingException m -> "field '" + path(m) + "' of " + name + " has the wrong type or format";
            case JsonProcessingException p when startsWith(p, DUPLICATE) -> "a field appears twice in the " + name;
            case JsonProcessingException p when p.getLocation() != null -> "not valid JSON (line "
                    + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")";
            default -> "cannot read the body as a " + name;
        }, e);
    }

    private static boolean startsWith(JsonProcessingException e, Pattern pattern) {
        return e.getOriginalMessage() != null && pattern.matcher(e.getOriginalMessage()).lookingAt();
    }

    /** {@code amount.currency} or {@code items[2].id}; field names only, never values. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * Why a constructor refused: the field named by {@code requireNonNull}, or the message of an
     * {@code IllegalArgumentException} it threw. Other messages (such as a
     * {@code NumberFormatException}'s) may quote the input, so they are not shown.
     */
    private static String reason(Throwable cause) {
        return switch (cause) {
            case NullPointerException npe when npe.getMessage() != null -> ": '" + npe.getMessage() + "' is required";
            case NumberFormatException ignored -> "";
            case IllegalArgumentException iae when iae.getMessage() != null -> ": " + iae.getMessage();
            case null, default -> "";
        };
    }

    private static EscudoException malformed(String message) {
        return new EscudoException(MALFORMED, message);
    }

    private static EscudoException malformed(String message, Exception cause) {
        return new EscudoException(MALFORMED, message, cause);
    }

    private static SimpleModule escudoModule() {
        SimpleModule module = new SimpleModule("escudo");
        module.addSerializer(Money.class, new StdSerializer<>(Money.class) {
            @Override
            public void serialize(Money money, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeStartObject();
                gen.writeNumberField("minor", money.minorUnits());
                gen.writeStringField("currency", money.currencyCode());
                gen.writeEndObject();
            }
        });
        module.addDeserializer(Money.class, new StdDeserializer<>(Money.class) {
            @Override
            public Money deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (!p.isExpectedStartObjectToken()) {
                    return (Money) ctx.handleUnexpectedToken(Money.class, p);
                }
                JsonNode node = ctx.readTree(p);
                if (!Set.of("minor", "currency").containsAll(fieldNames(node))) {
                    throw JsonMappingException.from(p, "money has fields other than 'minor' and 'currency'");
                }
                JsonNode minor = node.get("minor");
                JsonNode currency = node.get("currency");
                if (minor == null || !minor.isIntegralNumber() || !minor.canConvertToLong()) {
                    throw JsonMappingException.from(p, "money needs an integer 'minor'");
                }
                if (currency == null || !currency.isTextual()) {
                    throw JsonMappingException.from(p, "money needs a string 'currency'");
                }
                return new Money(minor.longValue(), Money.currency(currency.textValue()));
            }
        });
        module.addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant instant, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(instant.toString());
            }
        });
        module.addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return (Instant) ctx.handleUnexpectedToken(Instant.class, p);
                }
                try {
                    return Instant.parse(p.getText());
                } catch (DateTimeParseException e) {
                    throw JsonMappingException.from(p, "not an ISO-8601 instant", e);
                }
            }
        });
        // Every string field, of every type, is a text at least (core.Text): a control character, a
        // bidi override or a lone surrogate is refused here, before any handler or database sees it.
        module.addDeserializer(String.class, new StdScalarDeserializer<>(String.class) {
            @Override
            public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Text.requirePlain(p.currentName(), StringDeserializer.instance.deserialize(p, ctx));
            }
        });
        module.addKeyDeserializer(String.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctx) {
                return Text.requirePlain(null, key);
            }
        });
        // Bytes travel exactly as byte[] does (base64): Jackson's own byte[] handling, both ways.
        module.addSerializer(Bytes.class, new StdSerializer<>(Bytes.class) {
            @Override
            public void serialize(Bytes bytes, JsonGenerator gen, SerializerProvider provider) throws IOException {
                provider.findValueSerializer(byte[].class).serialize(bytes.toByteArray(), gen, provider);
            }
        });
        module.addDeserializer(Bytes.class, new StdDeserializer<>(Bytes.class) {
            @Override
            public Bytes deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return Bytes.of(ctx.readValue(p, byte[].class));
            }
        });
        // Ed25519 public keys travel as the hex of their 32 bytes; decoding validates the point.
        module.addSerializer(VerifyingKey.class, new StdSerializer<>(VerifyingKey.class) {
            @Override
            public void serialize(VerifyingKey key, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(key.hex());
            }
        });
        module.addDeserializer(VerifyingKey.class, new StdDeserializer<>(VerifyingKey.class) {
            @Override
            public VerifyingKey deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return (VerifyingKey) ctx.handleUnexpectedToken(VerifyingKey.class, p);
                }
                return VerifyingKey.ofHex(p.getText());
            }
        });
        return module;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
