package escudo.s2.client;

import escudo.core.Bytes;
import escudo.crypto.SecretAccess;
import escudo.s2.protocol.BlomShare;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.PairwiseKeys;
import java.util.Objects;

/**
 * The secret from which a party derives its S2 pairwise keys (seed 002, claim 6): its static
 * X25519 private key, whose public half is in the bank's key directory (the default), or its
 * share of Blom's scheme.
 */
public sealed interface OrderKeys {

    /** The pairwise keys of party {@code id}; {@code directory} is consulted in directory mode only. */
    PairwiseKeys keysFor(String id, KeyDirectory directory);

    /** Static X25519 key agreement with the public keys of the bank's key directory. */
    record Directory(Bytes x25519PrivateKey) implements OrderKeys {
        public Directory {
            Objects.requireNonNull(x25519PrivateKey, "x25519PrivateKey");
        }

        /** A fresh key pair that lives as long as the node: for tests, the demo and benchmarks. */
        public static Directory ephemeral() {
            return new Directory(Bytes.of(DirectoryKeys.generate("ephemeral", new KeyDirectory()).privateKey(SecretAccess.forSealedStorage())));
        }

        @Override
        public PairwiseKeys keysFor(String id, KeyDirectory directory) {
            return DirectoryKeys.fromPrivateKey(id, x25519PrivateKey.toByteArray(), directory);
        }
    }

    /** A share of Blom's scheme issued by the key authority for this party's identifier. */
    record Blom(BlomShare share) implements OrderKeys {
        public Blom {
            Objects.requireNonNull(share, "share");
        }

        @Override
        public PairwiseKeys keysFor(String id, KeyDirectory directory) {
            if (!share.myId().equals(id)) {
                throw new IllegalArgumentException("this Blom share belongs to " + share.myId() + ", not " + id);
            }
            return share;
        }
    }
}
