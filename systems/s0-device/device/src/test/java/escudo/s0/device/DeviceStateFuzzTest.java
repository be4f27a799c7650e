package escudo.s0.device;

import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.s0.protocol.LayerOrder;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the wallet's sealed state, which the device decodes every time
 * it starts. For any plaintext {@link DeviceState#decode} returns a state or refuses, with a typed
 * exception or the {@link IllegalArgumentException} of its own range checks (both of which
 * {@link DeviceStorage} reports as corrupt); a state it returns encodes to exactly its plaintext.
 */
class DeviceStateFuzzTest {

    private static final SigningKey DEVICE_KEY = SigningKey.fromSeed(HexFormat.of().parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    private static final Hpke.Recipient SEAL_KEY = Hpke.Recipient.fromPrivateKey(HexFormat.of().parseHex("58" + "03".repeat(30) + "43"));
    private static final SigningKey ISSUER_KEY = SigningKey.fromSeed(HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

    static Stream<byte[]> states() {
        DeviceState fresh = new DeviceState(DEVICE_KEY, SEAL_KEY, null);
        return Stream.of(fresh.encode(), fresh.with(new DeviceState.Registration("dev-1", "escudo-bank", ISSUER_KEY.verifyingKey(),
                LayerOrder.SYMMETRIC_INSIDE, Bytes.of(new byte[32]), "customer-1", "phone of Ana", 4, 3)).encode());
    }

    @MethodSource("states")
    @FuzzTest(maxDuration = "5s")
    void decodesOnlyStatesItWouldWriteItself(byte[] plaintext) {
        decodedOrRangeRefused(plaintext).ifPresent(state ->
                assertArrayEquals(plaintext, state.encode(), () -> "a second encoding of a device state: " + hex(plaintext)));
    }

    /**
     * Found by this target: the seal key is any 32 bytes to X25519, which clamps them, so a state
     * with an unclamped key decoded and wrote back another state.
     */
    @Test
    void aStateWithAnUnclampedSealKeyIsOutOfRange() {
        byte[] found = HexFormat.of().parseHex("0000001965736375646f2f73302f6465766963652d73746174652f7631000000204ccd089b28ff96da9db6c346"
                + "ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb00000020c40000000303030303030303030303030303030303030303030303030303034300");
        assertThrows(IllegalArgumentException.class, () -> DeviceState.decode(found));
        byte[] clamped = found.clone();
        clamped[69] &= (byte) 0xF8; // the key's first byte, as X25519 clamps it
        assertArrayEquals(clamped, DeviceState.decode(clamped).encode());
    }

    private static Optional<DeviceState> decodedOrRangeRefused(byte[] plaintext) {
        try {
            return decodedOrRefused(() -> DeviceState.decode(plaintext));
        } catch (IllegalArgumentException outOfRange) {
            return Optional.empty();
        }
    }
}
