package escudo.s0.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the machine's serial, the value seed 000 binds the wallet and every trade message to.
 * Sources, first match wins:
 * <ol>
 *   <li>the environment variable {@value #OVERRIDE}, if set and not blank (simulated devices,
 *       tests, several wallets on one machine);</li>
 *   <li>{@code /sys/class/dmi/id/product_uuid}, the DMI (SMBIOS) system UUID, if readable and not
 *       empty; Linux lets only root read it;</li>
 *   <li>{@code /etc/machine-id}, the systemd machine id: readable by everyone, but tied to the OS
 *       installation rather than to the hardware;</li>
 *   <li>otherwise {@link DeviceException#NO_SERIAL}.</li>
 * </ol>
 * Leading and trailing white space is removed. The source must be the same every time a wallet is
 * opened: a wallet created as root (DMI UUID) does not open for an ordinary user (machine id), and
 * reports {@link DeviceException#WRONG_HARDWARE}. Pin the value with {@value #OVERRIDE} when in
 * doubt. The serial is not a secret on its own machine (the machine id is world-readable); it stops
 * a copied wallet or key pair from working on another machine.
 */
public final class HardwareSerial {

    /** The explicit override, for simulated devices. */
    public static final String OVERRIDE = "ESCUDO_DEVICE_SERIAL";

    static final Path PRODUCT_UUID = Path.of("/sys/class/dmi/id/product_uuid");
    static final Path MACHINE_ID = Path.of("/etc/machine-id");

    private HardwareSerial() {
    }

    /** The serial of this machine, from the process environment and the files above. */
    public static String read() {
        return read(System.getenv());
    }

    /** The serial, with {@code env} standing for the process environment. */
    public static String read(Map<String, String> env) {
        return read(env, PRODUCT_UUID, MACHINE_ID);
    }

    static String read(Map<String, String> env, Path productUuid, Path machineId) {
        String override = env.get(OVERRIDE);
        if (override != null && !override.isBlank()) {
            return override.strip();
        }
        for (Path source : new Path[] {productUuid, machineId}) {
            String value = readFile(source);
            if (value != null) {
                return value;
            }
        }
        throw new DeviceException(DeviceException.NO_SERIAL,
                "no hardware serial: set " + OVERRIDE + ", or make " + productUuid + " or " + machineId + " readable");
    }

    /** The stripped content, or null if the file is missing, unreadable, empty or absurdly long. */
    private static String readFile(Path file) {
        try {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                return null;
            }
            byte[] content;
            try (InputStream in = Files.newInputStream(file)) {
                content = in.readNBytes(4097); // sysfs reports 4096 as the size of every attribute
            }
            String value = new String(content, StandardCharsets.UTF_8).strip();
            return value.isEmpty() || content.length > 4096 ? null : value;
        } catch (IOException | SecurityException e) {
            return null; // e.g. product_uuid exists but is root-only: fall through to the next source
        }
    }
}
