package escudo.s2.testing;

import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.PairwiseKeys;
import escudo.crypto.SigningKey;
import java.security.SecureRandom;

/**
 * Test fixture, shipped in this module's test jar: the holder, seller, issuer and courier of one
 * split order (and mallory, who is none of them) with their pairwise keys, in either key mode.
 */
public record OrderParties(PairwiseKeys holder, PairwiseKeys seller, PairwiseKeys issuer, PairwiseKeys courier,
                           PairwiseKeys mallory) {

    public static final String HOLDER = "holder:alice";
    public static final String SELLER = "seller.example";
    public static final String ISSUER = "issuer.example";
    public static final String COURIER = "courier.example";

    public enum Mode { DIRECTORY, BLOM }

    public static OrderParties of(Mode mode) {
        if (mode == Mode.DIRECTORY) {
            KeyDirectory directory = new KeyDirectory();
            return new OrderParties(enrol(HOLDER, directory), enrol(SELLER, directory), enrol(ISSUER, directory),
                    enrol(COURIER, directory), enrol("mallory", directory));
        }
        BlomAuthority authority = BlomAuthority.generate(5, new SecureRandom());
        return new OrderParties(authority.issue(HOLDER), authority.issue(SELLER), authority.issue(ISSUER),
                authority.issue(COURIER), authority.issue("mallory"));
    }

    /** Fresh directory keys for {@code id}, published in {@code directory}. */
    public static DirectoryKeys enrol(String id, KeyDirectory directory) {
        DirectoryKeys keys = DirectoryKeys.generate(id, directory);
        directory.register(id, keys.publicKey(), SigningKey.generate().verifyingKey());
        return keys;
    }
}
