package escudo.s1.phone;

import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.UserIdentity;
import java.math.BigInteger;
import java.security.cert.X509Certificate;

/**
 * One certificate the phone holds, as the phone shows it; its private key stays in the card OS
 * record. {@code confirmed} is false between the CA's answer and its {@code pkiConf}: such a
 * certificate is not good yet (a crash in between leaves it so, and the user enrols again).
 */
public record Credential(X509Certificate certificate, X509Certificate root, boolean confirmed) {

    public BigInteger serial() {
        return certificate.getSerialNumber();
    }

    public UserIdentity user() {
        return CertificateProfile.user(certificate);
    }
}
