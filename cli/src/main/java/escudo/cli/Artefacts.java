package escudo.cli;

import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.PaymentCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The artefacts of one offline payment as raw files, so anyone can check them with stock tools:
 * the bank's and the card's joint public key (32 bytes each, plus PEM for openssl), CARD-CERT's
 * signed bytes and the bank's signature, PAYMENT-CERT's signed bytes and the card's signature.
 */
final class Artefacts {

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Artefacts() {
    }

    static void write(Path dir, VerifyingKey bankKey, CardCertificate card, PaymentCertificate payment) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("bank.pub"), bankKey.bytes());
            Files.write(dir.resolve("joint.pub"), card.jointKey().bytes());
            Files.writeString(dir.resolve("bank.pem"), pem(bankKey));
            Files.writeString(dir.resolve("joint.pem"), pem(card.jointKey()));
            Files.write(dir.resolve("card-cert.bin"), card.signedBytes());
            Files.write(dir.resolve("card-cert.sig"), card.signature().toByteArray());
            Files.write(dir.resolve("payment.bin"), payment.signedBytes());
            Files.write(dir.resolve("payment.sig"), payment.signature().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the artefacts to " + dir, e);
        }
    }

    static String pem(VerifyingKey key) {
        byte[] spki = new byte[SPKI_PREFIX.length + VerifyingKey.LENGTH];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(key.bytes(), 0, spki, SPKI_PREFIX.length, VerifyingKey.LENGTH);
        return pem(spki);
    }

    /** A SubjectPublicKeyInfo as RFC 7468 writes it. */
    static String pem(byte[] subjectPublicKeyInfo) {
        return pem("PUBLIC KEY", subjectPublicKeyInfo);
    }

    /** DER bytes as RFC 7468 writes them under {@code label}: base64 in lines of 64. */
    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
