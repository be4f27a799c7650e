package escudo.node.spi;

import escudo.crypto.Hpke;
import escudo.crypto.MacKey;
import escudo.crypto.SecretBox;
import escudo.crypto.SigningKey;
import java.util.Optional;
import java.util.function.Function;

/** {@link Secrets#of}: the secrets of a party made of its key lookups and tokens. */
record SecretParts(SigningKey signingKey, Function<String, Hpke.Recipient> sealKeys, Function<String, SecretBox> boxes,
        Function<String, MacKey> macKeys, String operatorToken, Optional<String> bankDeskToken) implements Secrets {

    @Override
    public Hpke.Recipient sealKey(String name) {
        return sealKeys.apply(name);
    }

    @Override
    public SecretBox box(String purpose) {
        return boxes.apply(purpose);
    }

    @Override
    public MacKey macKey(String purpose) {
        return macKeys.apply(purpose);
    }

    @Override
    public String toString() {
        return "Secrets[signingKey=" + signingKey.verifyingKey() + "]"; // never the tokens
    }
}
