/** Cryptography on the JDK and BouncyCastle: Ed25519, the S3 joint key, X25519, HPKE, AEAD sealing, canonical encoding. */
module escudo.crypto {
    requires cafe.cryptography.curve25519_elisabeth;
    requires org.bouncycastle.provider;
    requires transitive escudo.core;

    exports escudo.crypto;

    opens escudo.crypto to com.fasterxml.jackson.databind;
}
