package escudo.s0.server.issuer;

import java.time.Instant;

/**
 * A one-time enrolment code the bank's desk gives a customer, to be typed into the device that
 * registers (seed 000, step 611). Good once, until {@code expiresAt}; the bank keeps only its hash.
 */
public record Enrolment(String customerId, String code, Instant expiresAt) {

    /** Never prints the code. */
    @Override
    public String toString() {
        return "Enrolment[customer=" + customerId + ", expiresAt=" + expiresAt + "]";
    }
}
