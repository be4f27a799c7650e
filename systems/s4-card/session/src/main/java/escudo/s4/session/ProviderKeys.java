package escudo.s4.session;

import escudo.crypto.VerifyingKey;
import java.util.Objects;

/**
 * What a member's terminal is configured with for a provider: its id, the Ed25519 key that signs its
 * replies and the X25519 key the member's first cryptogram is sealed to (HPKE, RFC 9180).
 */
public record ProviderKeys(String providerId, VerifyingKey signing, byte[] sealing) {

    public ProviderKeys {
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(signing, "signing");
        sealing = sealing.clone();
    }

    @Override
    public byte[] sealing() {
        return sealing.clone();
    }
}
