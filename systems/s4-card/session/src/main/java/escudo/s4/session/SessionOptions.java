package escudo.s4.session;

/**
 * How a member asks for its session.
 *
 * @param sharedKey one session key for every member of a combined session (claims 45-47), so each
 *                  reads all parts; false: a key for each member (claims 38-44), each reads only its own
 * @param hybrid    the provider's second cryptogram is sealed by HPKE (X25519) and, inside, under a key
 *                  from ML-KEM-768 too, so breaking one of the two reveals nothing ("beyond the seed")
 * @param sealKeys  the member's public keys travel inside the first cryptogram (claim 31), not in plain
 */
public record SessionOptions(boolean sharedKey, boolean hybrid, boolean sealKeys) {

    public static final SessionOptions DEFAULT = new SessionOptions(false, false, false);
}
