package escudo.s4.session;

import escudo.core.Bytes;
import java.util.Objects;

/** The JSON bodies of the provider's S4 routes (docs/api.md, S4); session messages travel as their canonical bytes. */
public final class SessionApi {

    private SessionApi() {
    }

    /** {@code GET /issuer/s4/provider}: what a member's terminal is configured with (pinned, as issue 14 will check). */
    public record ProviderInfo(String providerId, String signingKey, Bytes sealingKey) {

        public ProviderKeys keys() {
            return new ProviderKeys(providerId, escudo.crypto.VerifyingKey.ofHex(signingKey), sealingKey.toByteArray());
        }
    }

    /** {@code POST /issuer/s4/members}: the desk registers the card key of a customer's record (the uncompressed P-256 point). */
    public record Register(String customerId, Bytes cardKey) {

        public Register {
            Objects.requireNonNull(customerId, "customerId");
            Objects.requireNonNull(cardKey, "cardKey");
        }
    }

    public record Registered(String customerId, String cardKey) {
    }

    /** {@code POST /issuer/s4/messages}: an envelope, alone or combined; the answer is the combined reply. */
    public record Message(Bytes message) {

        public Message {
            Objects.requireNonNull(message, "message");
        }
    }

    public record Reply(Bytes reply) {
    }
}
