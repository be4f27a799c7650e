package escudo.s0.api;

import escudo.core.Bytes;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of the issuer's S0 device API (seed 000) that are not protocol messages
 * themselves; {@code TradeEnvelope} and {@code RegistrationReceipt} travel as they are, and
 * {@code GET /issuer/devices/registration} answers a {@link RegistrationInfo}.
 */
public final class TradeApi {

    private TradeApi() {
    }

    /** {@code POST /issuer/devices/enrolments}: the desk asks a one-time code for a customer. */
    public record Enrol(String customerId) {
    }

    /** The answer: the code to give the customer, good once until {@code expiresAt}. */
    public record EnrolmentCode(String code, Instant expiresAt) {
        @Override
        public String toString() {
            return "EnrolmentCode[expiresAt=" + expiresAt + "]";
        }
    }

    /** {@code POST /issuer/devices}: a {@code DeviceRegistration} sealed to the registration key (base64 in JSON). */
    public record Registration(Bytes sealed) {
    }

    /** {@code POST /issuer/devices/{id}/revocation}: an empty object. */
    public record Revocation() {
    }

    /** {@code GET /issuer/customers/{id}/devices}. */
    public record Devices(List<DeviceView> devices) {
    }
}
