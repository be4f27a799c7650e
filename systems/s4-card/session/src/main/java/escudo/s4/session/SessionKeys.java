package escudo.s4.session;

import escudo.crypto.MacKey;
import escudo.crypto.SecretBox;

/**
 * The keys both ends derive from the session secret the provider chose (HKDF-SHA256, each under a
 * label of its own): one AEAD key for each direction and a MAC key for the challenge answers. The
 * salt is the member's transcript after the key exchange, or with a shared key (claims 45-47) the
 * hash of every member's request, so that every member of the session derives the same keys.
 */
record SessionKeys(SecretBox memberToProvider, SecretBox providerToMember, MacKey challenges) {

    static SessionKeys derive(byte[] secret, byte[] salt) {
        return new SessionKeys(SecretBox.derive(secret, salt, "s4/session/member-to-provider"),
                SecretBox.derive(secret, salt, "s4/session/provider-to-member"),
                MacKey.derive(secret, salt, "s4/session/challenge"));
    }
}
