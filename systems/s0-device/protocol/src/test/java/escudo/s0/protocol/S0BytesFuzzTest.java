package escudo.s0.protocol;

import static escudo.s0.protocol.S0Messages.DEVICE_ID;
import static escudo.s0.protocol.S0Messages.ISSUER_ID;
import static escudo.s0.protocol.S0Messages.REGISTRATION;
import static escudo.s0.protocol.S0Messages.REGISTRATION_KEY;
import static escudo.s0.protocol.S0Messages.REQUESTS;
import static escudo.s0.protocol.S0Messages.RESPONSES;
import static escudo.s0.protocol.S0Messages.SEALED_REGISTRATION;
import static escudo.s0.protocol.S0Messages.device;
import static escudo.s0.protocol.S0Messages.issuer;
import static escudo.testing.Decoding.assertEveryByteFlipRefused;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): what S0 opens from bytes. The two-layer trade envelope in both
 * layer orders and directions, the sealed device registration (outside and, sealed again with the
 * issuer's key, inside), and the trade requests and responses inside an opened envelope. For any
 * input the decoder returns a value or refuses with {@code s0.*}; only what the sender sealed or
 * signed opens; a decoded trade message re-encodes to its bytes.
 */
class S0BytesFuzzTest {

    private static final byte[] MESSAGE = REQUESTS.get(1).encode();

    /** One direction of one layer order: the envelope its sender sealed and the end that opens it. */
    private record Channel(LayerOrder order, Direction direction, TradeEnvelope sealed, Function<TradeEnvelope, byte[]> open) {
        Channel(LayerOrder order, Direction direction) {
            this(order, direction, direction == Direction.TO_ISSUER ? device(order).seal(1, MESSAGE) : issuer(order).seal(1, MESSAGE),
                    direction == Direction.TO_ISSUER ? issuer(order)::open : device(order)::open);
        }

        byte[] validBody() {
            return sealed.body().toByteArray();
        }
    }

    private static final List<Channel> CHANNELS = Stream.of(LayerOrder.values())
            .flatMap(order -> Stream.of(Direction.values()).map(direction -> new Channel(order, direction))).toList();

    static Stream<byte[]> bodies() {
        return IntStream.range(0, CHANNELS.size()).mapToObj(i -> prefixed(i, CHANNELS.get(i).validBody()));
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void opensOnlyTheEnvelopeBodyItsSenderSealed(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Channel channel = CHANNELS.get((input[0] & 0xFF) % CHANNELS.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        decodedOrRefused(() -> channel.open().apply(new TradeEnvelope(DEVICE_ID, channel.direction(), 1, channel.order(), Bytes.of(body))))
                .ifPresent(message -> {
                    assertArrayEquals(channel.validBody(), body, () -> "an altered " + channel + " body opened: " + hex(body));
                    assertArrayEquals(MESSAGE, message);
                });
    }

    @Test
    void everySingleByteChangeOfAnEnvelopeBodyIsRefused() {
        for (Channel channel : CHANNELS) {
            assertArrayEquals(MESSAGE, channel.open().apply(channel.sealed()));
            assertEveryByteFlipRefused(channel.validBody(), body -> channel.open().apply(
                    new TradeEnvelope(DEVICE_ID, channel.direction(), 1, channel.order(), Bytes.of(body))) != null);
        }
    }

    /** Fig. 10 towards the issuer: the symmetric layer outside, the device's signed layer inside. */
    private static final Channel SIGNED_INSIDE = CHANNELS.stream()
            .filter(c -> c.order() == LayerOrder.ASYMMETRIC_INSIDE && c.direction() == Direction.TO_ISSUER).findFirst().orElseThrow();
    private static final SecretBox UP = TradeChannel.symmetricKey(S0Messages.SERIAL, S0Messages.SECRET, DEVICE_ID, Direction.TO_ISSUER);
    private static final byte[] VALID_SIGNED_LAYER = UP.open(SIGNED_INSIDE.validBody(), SIGNED_INSIDE.sealed().header(), "test");

    static Stream<byte[]> signedLayers() {
        return Stream.of(VALID_SIGNED_LAYER);
    }

    @MethodSource("signedLayers")
    @FuzzTest(maxDuration = "5s")
    void readsOnlyTheSignedLayerTheDeviceSigned(byte[] signedLayer) {
        byte[] body = UP.seal(signedLayer, SIGNED_INSIDE.sealed().header());
        decodedOrRefused(() -> issuer(LayerOrder.ASYMMETRIC_INSIDE).open(
                new TradeEnvelope(DEVICE_ID, Direction.TO_ISSUER, 1, LayerOrder.ASYMMETRIC_INSIDE, Bytes.of(body))))
                .ifPresent(message -> assertArrayEquals(VALID_SIGNED_LAYER, signedLayer,
                        () -> "an altered signed layer verified: " + hex(signedLayer)));
    }

    static Stream<byte[]> tradeMessages() {
        return Stream.concat(REQUESTS.stream().map(r -> prefixed(0, r.encode())), RESPONSES.stream().map(r -> prefixed(1, r.encode())));
    }

    @MethodSource("tradeMessages")
    @FuzzTest(maxDuration = "5s")
    void decodesTradeMessagesThatReencodeToTheirBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) == 0) {
            decodedOrRefused(() -> TradeRequest.decode(bytes)).ifPresent(request ->
                    assertArrayEquals(bytes, request.encode(), () -> "a second encoding of a trade request: " + hex(bytes)));
        } else {
            decodedOrRefused(() -> TradeResponse.decode(bytes)).ifPresent(response ->
                    assertArrayEquals(bytes, response.encode(), () -> "a second encoding of a trade response: " + hex(bytes)));
        }
    }

    static Stream<byte[]> sealedRegistrations() {
        return Stream.of(SEALED_REGISTRATION);
    }

    @MethodSource("sealedRegistrations")
    @FuzzTest(maxDuration = "5s")
    void opensOnlyTheRegistrationTheDeviceSealed(byte[] sealed) {
        decodedOrRefused(() -> DeviceRegistration.open(sealed, REGISTRATION_KEY, ISSUER_ID)).ifPresent(registration -> {
            assertArrayEquals(SEALED_REGISTRATION, sealed, () -> "an altered sealed registration opened: " + hex(sealed));
            assertEquals(REGISTRATION, registration);
        });
    }

    private static final byte[] ISSUER_AAD = ISSUER_ID.getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALID_SIGNED_REGISTRATION = REGISTRATION_KEY.open(SEALED_REGISTRATION, DeviceRegistration.INFO,
            ISSUER_AAD, "test");

    static Stream<byte[]> signedRegistrations() {
        return Stream.of(VALID_SIGNED_REGISTRATION);
    }

    /** What is inside the HPKE layer, sealed again to the issuer's key so the fuzzer reaches the parser behind it. */
    @MethodSource("signedRegistrations")
    @FuzzTest(maxDuration = "5s")
    void readsOnlyARegistrationSignedByTheKeyItRegisters(byte[] signed) {
        byte[] sealed = Hpke.seal(REGISTRATION_KEY.publicKey(), DeviceRegistration.INFO, ISSUER_AAD, signed);
        decodedOrRefused(() -> DeviceRegistration.open(sealed, REGISTRATION_KEY, ISSUER_ID)).ifPresent(registration ->
                assertArrayEquals(VALID_SIGNED_REGISTRATION, signed, () -> "an altered registration verified: " + hex(signed)));
    }

    @Test
    void everySingleByteChangeOfARegistrationIsRefused() {
        assertEveryByteFlipRefused(SEALED_REGISTRATION, sealed -> DeviceRegistration.open(sealed, REGISTRATION_KEY, ISSUER_ID) != null);
        assertEveryByteFlipRefused(VALID_SIGNED_REGISTRATION, signed -> DeviceRegistration.open(
                Hpke.seal(REGISTRATION_KEY.publicKey(), DeviceRegistration.INFO, ISSUER_AAD, signed), REGISTRATION_KEY, ISSUER_ID) != null);
    }

    @Test
    void aTradeMessageDecodesToWhatWasEncoded() {
        REQUESTS.forEach(request -> assertEquals(request, TradeRequest.decode(request.encode())));
        RESPONSES.forEach(response -> assertEquals(response, TradeResponse.decode(response.encode())));
        assertEquals(Money.of(1000, "EUR"), ((TradeRequest.OwnTransfer) TradeRequest.decode(MESSAGE)).amount());
    }

    private static byte[] prefixed(int selector, byte[] bytes) {
        byte[] input = new byte[bytes.length + 1];
        input[0] = (byte) selector;
        System.arraycopy(bytes, 0, input, 1, bytes.length);
        return input;
    }
}
