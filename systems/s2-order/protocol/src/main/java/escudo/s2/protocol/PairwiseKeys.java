package escudo.s2.protocol;

import escudo.crypto.SecretBox;

/**
 * The key a party shares with any other party, derived from its own secret and the other
 * party's public identifier alone, with no message exchanged at order time (seed 002: "entering
 * the identifier of the other party into its own secret private key").
 *
 * <p>Both implementations end in the same derivation: the raw shared secret is the HKDF-SHA256
 * input key material, the salt is {@code canonical("escudo/s2/pair-key/v1", mode, first, second,
 * purpose)} with the two identifiers sorted by their UTF-8 bytes (so both sides compute the same
 * salt), and the SecretBox info is {@code "escudo/s2/pair/" + mode + "/" + purpose}.
 */
public sealed interface PairwiseKeys permits DirectoryKeys, BlomShare {

    /** The identifier of the party holding these keys. */
    String myId();

    /** The AEAD key this party shares with {@code peerId} for {@code purpose}. */
    SecretBox pairKey(String peerId, String purpose);

    /** {@code id} if it is a party identifier (1 to 256 bytes of valid Unicode), else {@code order.malformed}. */
    static String checkId(String id) {
        return PairKeyDerivation.checkId(id);
    }
}
