package escudo.s2.protocol;

import java.security.SecureRandom;

/**
 * Unguessable identifiers of the S2 flow (order, authorisation and tracking ids): a prefix and
 * random characters of the RFC 4648 base-32 alphabet, 5 random bits each.
 */
public final class RandomIds {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    /** {@code prefix} and {@code characters} random base-32 characters, e.g. {@code next("ORD-", 16)}: 80 bits. */
    public static String next(String prefix, int characters) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < characters; i++) {
            id.append(BASE32.charAt(RANDOM.nextInt(BASE32.length())));
        }
        return id.toString();
    }
}
