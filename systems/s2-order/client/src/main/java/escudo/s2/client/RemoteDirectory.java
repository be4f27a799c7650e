package escudo.s2.client;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.crypto.SigningKey;
import escudo.s2.api.OrderApi;
import escudo.http.PartyClient;
import escudo.s2.protocol.KeyDirectory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The bank's S2 key directory seen from another node: lookups and desk registration over HTTP. */
public final class RemoteDirectory {

    private RemoteDirectory() {
    }

    /** A {@link KeyDirectory} that asks the bank for identifiers it has not seen (an absent one is unknown). */
    public static KeyDirectory over(PartyClient bank) {
        return new KeyDirectory(id -> {
            try {
                return Optional.of(bank.get("/issuer/directory/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                        .replace("+", "%20"), OrderApi.DirectoryEntry.class).entry());
            } catch (EscudoException e) {
                if (e.kind() == EscudoException.Kind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * Publishes a party's keys at the bank's desk ({@code bankDesk} carries the operator token),
     * signed with the party's Ed25519 key. Registering the same keys again is harmless.
     */
    public static void register(PartyClient bankDesk, String id, Bytes x25519PublicKey, SigningKey signingKey) {
        KeyDirectory.Entry entry = new KeyDirectory.Entry(id, x25519PublicKey, signingKey.verifyingKey());
        bankDesk.post("/issuer/directory", new OrderApi.Registration(id, x25519PublicKey, signingKey.verifyingKey(),
                entry.prove(signingKey)), OrderApi.DirectoryEntry.class);
    }
}
