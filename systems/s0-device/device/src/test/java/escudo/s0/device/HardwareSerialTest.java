package escudo.s0.device;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.core.EscudoException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareSerialTest {

    static final String UUID = "4c4c4544-0042-3510-8057-b7c04f564d32";
    static final String MACHINE_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    @TempDir
    Path dir;

    Path productUuid;
    Path machineId;

    void files(String uuid, String id) throws Exception {
        productUuid = dir.resolve("product_uuid");
        machineId = dir.resolve("machine-id");
        if (uuid != null) {
            Files.writeString(productUuid, uuid);
        }
        if (id != null) {
            Files.writeString(machineId, id);
        }
    }

    String read(Map<String, String> env) {
        return HardwareSerial.read(env, productUuid, machineId);
    }

    @Test
    void overrideComesFirst() throws Exception {
        files(UUID + "\n", MACHINE_ID + "\n");
        assertEquals("sim-device-7", read(Map.of(HardwareSerial.OVERRIDE, " sim-device-7\n")));
    }

    @Test
    void blankOverrideIsIgnored() throws Exception {
        files(UUID + "\n", MACHINE_ID + "\n");
        assertEquals(UUID, read(Map.of(HardwareSerial.OVERRIDE, "  ")));
    }

    @Test
    void productUuidComesBeforeMachineId() throws Exception {
        files(UUID + "\n", MACHINE_ID + "\n");
        assertEquals(UUID, read(Map.of()));
    }

    @Test
    void machineIdWhenProductUuidIsMissingOrEmpty() throws Exception {
        files(null, MACHINE_ID + "\n");
        assertEquals(MACHINE_ID, read(Map.of()));
        Files.writeString(productUuid, "\n");
        assertEquals(MACHINE_ID, read(Map.of()));
    }

    @Test
    void machineIdWhenProductUuidIsUnreadable() throws Exception {
        files(null, MACHINE_ID + "\n");
        Files.createDirectory(productUuid); // exists, but cannot be read as a file (as for a non-root user)
        assertEquals(MACHINE_ID, read(Map.of()));
    }

    @Test
    void noSourceIsNoSerial() throws Exception {
        files(null, null);
        DeviceException e = assertRefused(DeviceException.class, DeviceException.NO_SERIAL, () -> read(Map.of()));
        assertEquals(Kind.NOT_FOUND, e.kind());
        Files.writeString(machineId, "   \n");
        assertRefused(DeviceException.NO_SERIAL, () -> read(Map.of()));
    }

    @Test
    void publicReadUsesTheOverride() {
        assertEquals("sim-device-8", HardwareSerial.read(Map.of(HardwareSerial.OVERRIDE, "sim-device-8")));
    }
}
