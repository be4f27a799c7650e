package escudo.s0.protocol;

import static escudo.s0.protocol.S0Messages.DEVICE_KEY;
import static escudo.s0.protocol.S0Messages.DEVICE_SEAL_KEY;
import static escudo.s0.protocol.S0Messages.ISSUER_ID;
import static escudo.s0.protocol.S0Messages.ISSUER_KEY;
import static escudo.s0.protocol.S0Messages.RECEIPT;
import static escudo.s0.protocol.S0Messages.REGISTRATION_KEY;
import static escudo.s0.protocol.S0Messages.SEALED_REGISTRATION;
import static escudo.s0.protocol.S0Messages.SECRET;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.WireTypes.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.crypto.SecretAccess;
import escudo.http.Json;
import escudo.s0.api.DeviceStatus;
import escudo.s0.api.DeviceView;
import escudo.s0.api.RegistrationInfo;
import escudo.s0.api.TradeApi;
import escudo.testing.WireTypes;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the JSON mapping of S0's wire bodies. For any body the record is
 * read or refused with a typed exception, it writes and reads back as itself, a registration that
 * opens is the one the device sealed, and a receipt whose secret opens is the one the issuer signed.
 */
class S0JsonFuzzTest {

    private static final Instant NOW = Instant.parse("2030-03-14T09:26:53.589Z");

    private static final WireTypes WIRES = new WireTypes(Json::read, Json::write, List.of(
            wire(TradeEnvelope.class, S0Messages.device(LayerOrder.SYMMETRIC_INSIDE).seal(7, S0Messages.REQUESTS.get(0).encode())),
            wire(TradeApi.Registration.class, new TradeApi.Registration(Bytes.of(SEALED_REGISTRATION)), registration ->
                    decodedOrRefused(() -> DeviceRegistration.open(registration.sealed().toByteArray(), REGISTRATION_KEY, ISSUER_ID))
                            .ifPresent(opened -> assertArrayEquals(SEALED_REGISTRATION, registration.sealed().toByteArray()))),
            wire(RegistrationReceipt.class, RECEIPT, receipt -> decodedOrRefused(() ->
                    receipt.openSecret(ISSUER_KEY.verifyingKey(), DEVICE_SEAL_KEY, SecretAccess.forSealedStorage())).ifPresent(secret -> {
                        assertEquals(RECEIPT, receipt, "an altered receipt opened");
                        assertArrayEquals(SECRET, secret);
                    })),
            wire(RegistrationInfo.class, new RegistrationInfo(ISSUER_ID, Bytes.of(REGISTRATION_KEY.publicKey()), ISSUER_KEY.verifyingKey())),
            wire(TradeApi.Enrol.class, new TradeApi.Enrol("customer-1")),
            wire(TradeApi.EnrolmentCode.class, new TradeApi.EnrolmentCode("ENROL-1234", NOW)),
            wire(TradeApi.Revocation.class, new TradeApi.Revocation()),
            wire(TradeApi.Devices.class, new TradeApi.Devices(List.of(new DeviceView("dev-1", "customer-1", "phone of Ana",
                    LayerOrder.ASYMMETRIC_INSIDE, DEVICE_KEY.verifyingKey(), DeviceStatus.ACTIVE, 3, 2, NOW, null))))));

    static Stream<byte[]> bodies() {
        return WIRES.seeds();
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void readsOrRefusesEveryBodyAndOnlyTheSealedOneOpens(byte[] input) {
        WIRES.readOrRefuse(input);
    }
}
