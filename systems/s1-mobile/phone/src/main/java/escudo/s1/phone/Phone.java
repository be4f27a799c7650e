package escudo.s1.phone;

import escudo.cardos.Application;
import escudo.cardos.ApplicationId;
import escudo.cardos.CardOs;
import escudo.cardos.Operation;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.s1.api.ApprovalApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.ApprovalStatus;
import escudo.s1.protocol.CertificateProfile;
import escudo.s1.protocol.CmpEnrolment;
import escudo.s1.protocol.KioskChallenge;
import escudo.s1.protocol.PhoneProof;
import escudo.s1.protocol.QrCode;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.SignedApproval;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The certification mobile terminal of seed 001 (Fig. 2, terminal 500): its certificates and their
 * private keys live in one record of its own application, {@value #APPLICATION}, on the card OS,
 * which seals the record at rest and guards every use of a key with the holder's PIN (three tries,
 * each counted before the comparison). The phone makes its key pair itself and enrols it by CMP
 * (S100-S140); the private key never leaves the record.
 */
public final class Phone {

    public static final String APPLICATION = "escudo.s1";
    private static final ApplicationId ID = new ApplicationId(APPLICATION);
    private static final String RECORD_DOMAIN = "escudo/s1/phone-record/v1";

    private final Application application;
    private final Clock clock;

    private Phone(CardOs os, Clock clock) {
        this.application = os.application(ID);
        this.clock = clock;
    }

    /** A new phone in {@code directory}, its holder's {@code pin} chosen, no certificate yet. */
    public static Phone create(Path directory, String pin, Clock clock) {
        CardOs os = CardOs.create(directory, ID, encode(List.of()));
        Phone phone = new Phone(os, clock);
        try (Operation operation = phone.application.begin()) {
            operation.choosePin(pin);
            operation.commit(phone.application.record().orElseThrow());
        }
        return phone;
    }

    public static Phone open(Path directory, Clock clock) {
        return new Phone(CardOs.open(directory), clock);
    }

    /** The certificates on the phone, newest last. */
    public synchronized List<Credential> credentials() {
        return decode(record()).stream().map(Stored::credential).toList();
    }

    /**
     * Enrols a fresh key pair with the CA at {@code ca} under the desk's {@code reference} and
     * {@code secret}, after the holder's {@code pin}: the key is made here, the certificate kept
     * with it once the CA's answer checks out (and then marked confirmed after the CA's
     * {@code pkiConf}). Returns the new credential.
     */
    public synchronized Credential enrol(CaLink ca, String reference, char[] secret, String pin) {
        Objects.requireNonNull(ca, "ca");
        return transact(ca, pin, key -> CmpEnrolment.start(reference, secret, key), null);
    }

    /**
     * Renews the confirmed certificate {@code serial} before it expires (CMP key update, RFC 9483
     * section 4.1.3), after the holder's {@code pin}: a fresh key pair made here, the request signed
     * with the current key, the CA's answer checked under the root the phone already trusts. Once
     * the CA confirms, it has revoked the old certificate as superseded, and the phone drops it.
     * Returns the new credential.
     */
    public synchronized Credential renew(CaLink ca, BigInteger serial, String pin) {
        Objects.requireNonNull(ca, "ca");
        Stored current = confirmed(serial);
        return transact(ca, pin, key -> CmpEnrolment.renewal(current.certificate(), current.privateKey(), current.root(), key), current.certificate());
    }

    /**
     * One CMP transaction for a key made here: the certificate kept with its key once the CA's
     * answer checks out, committed <b>before</b> the confirmation, then marked confirmed (and
     * {@code replaced}, if any, dropped) after the CA's {@code pkiConf}. A crash in between leaves
     * an unconfirmed credential that is never good.
     */
    private Credential transact(CaLink ca, String pin, Function<KeyPair, CmpEnrolment> start, X509Certificate replaced) {
        X509Certificate certificate;
        X509Certificate root;
        CmpEnrolment transaction;
        try (Operation operation = application.begin()) {
            operation.verifyHolder(pin);
            KeyPair key = CertificateProfile.newKeyPair();
            transaction = start.apply(key);
            certificate = transaction.certificate(ca.cmp(transaction.request()));
            root = transaction.root();
            RelyingParty.trusting(root).verify(certificate, clock.instant()); // the profile, under the root the phone trusts
            List<Stored> stored = new ArrayList<>(decode(record()));
            stored.add(new Stored(key.getPrivate().getEncoded(), certificate, root, false));
            operation.commit(encode(stored));
        }
        transaction.confirmed(ca.cmp(transaction.confirmation()));
        try (Operation operation = application.begin()) {
            List<Stored> stored = new ArrayList<>(decode(record()));
            stored.replaceAll(s -> s.certificate().equals(certificate) ? s.confirmed() : s);
            stored.removeIf(s -> s.certificate().equals(replaced));
            operation.commit(encode(stored));
        }
        return new Credential(certificate, root, true);
    }

    /**
     * Signs {@code request} (S240-S250) with the key of the confirmed certificate {@code serial},
     * after the holder's {@code pin}: the caller has shown {@link ApprovalRequest#display()} to the
     * holder, and this signs exactly those bytes. Returns CMS SignedData.
     */
    public synchronized byte[] sign(BigInteger serial, ApprovalRequest request, String pin) {
        try (Operation operation = application.begin()) {
            operation.verifyHolder(pin);
            Stored credential = confirmed(serial);
            return SignedApproval.sign(request, credential.certificate(), credential.privateKey());
        }
    }

    /**
     * Seed 001, S510-S520: signs the kiosk's {@code challenge} as a purchase by the user its
     * certificate {@code serial} names, after the PIN. The caller showed
     * {@code challenge.request(user).display()}.
     */
    public synchronized byte[] sign(BigInteger serial, KioskChallenge challenge, String pin) {
        return sign(serial, challenge.request(confirmed(serial).credential().user()), pin);
    }

    /**
     * Seed 001, Fig. 5 (S340): the frame of the QR code in {@code image}, as the phone's camera
     * read it off the PC's screen; the caller shows {@code frame.request().display()}.
     */
    public static QrFrame scan(byte[] image) {
        return QrFrame.read(QrCode.read(image));
    }

    /**
     * S350-S380: signs the {@code frame} the phone scanned, after the PIN, with the key of
     * {@code serial}, for the PC to hand to the service. Refused before the PIN when the request
     * is not for the user the certificate names, or expired by the phone's clock.
     */
    public synchronized byte[] sign(BigInteger serial, QrFrame frame, String pin) {
        Stored credential = confirmed(serial);
        if (!frame.request().user().equals(credential.credential().user())) {
            throw new ApprovalException(ApprovalException.WRONG_USER, "the code asks for another user's approval");
        }
        if (!clock.instant().isBefore(frame.request().expiresAt())) {
            throw ApprovalException.ended(ApprovalStatus.EXPIRED);
        }
        try (Operation operation = application.begin()) {
            operation.verifyHolder(pin);
            return SignedApproval.sign(frame, credential.certificate(), credential.privateKey());
        }
    }

    /** Proves to a service that this phone holds the key of {@code serial}, for {@code purpose}; moves nothing, so no PIN. */
    public synchronized PhoneProof proof(BigInteger serial, String purpose) {
        Stored credential = confirmed(serial);
        return PhoneProof.of(credential.certificate(), credential.privateKey(), purpose, clock.instant());
    }

    /** S220-S230: what the service holds for this phone's certificate {@code serial}. */
    public List<ApprovalRequest> pending(ServiceLink service, BigInteger serial) {
        return service.pending(proof(serial, PhoneProof.PENDING));
    }

    /** S240-S250: the holder read {@code request} on the phone and approves it with the PIN. */
    public ApprovalApi.Status approve(ServiceLink service, BigInteger serial, ApprovalRequest request, String pin) {
        return service.approve(request.approvalId(), sign(serial, request, pin));
    }

    /** The holder says no. */
    public ApprovalApi.Status decline(ServiceLink service, BigInteger serial, ApprovalRequest request) {
        return service.decline(request.approvalId(), proof(serial, PhoneProof.decline(request.approvalId())));
    }

    private Stored confirmed(BigInteger serial) {
        return decode(record()).stream().filter(s -> s.certificate().getSerialNumber().equals(serial) && s.isConfirmed()).findFirst()
                .orElseThrow(() -> new PhoneException(PhoneException.NO_CREDENTIAL, "the phone holds no confirmed certificate with that serial"));
    }

    private byte[] record() {
        return application.record().orElseThrow(() -> new PhoneException(PhoneException.CORRUPT, "the phone's record is missing"));
    }

    /** A certificate with its key as the record holds it. */
    private record Stored(byte[] pkcs8, X509Certificate certificate, X509Certificate root, boolean isConfirmed) {

        Stored confirmed() {
            return new Stored(pkcs8, certificate, root, true);
        }

        Credential credential() {
            return new Credential(certificate, root, isConfirmed);
        }

        PrivateKey privateKey() {
            try {
                return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                throw new PhoneException(PhoneException.CORRUPT, "a private key on the phone does not decode");
            }
        }
    }

    private static byte[] encode(List<Stored> stored) {
        CanonicalWriter writer = CanonicalWriter.domain(RECORD_DOMAIN).u32(stored.size());
        try {
            for (Stored s : stored) {
                writer.bytes(s.pkcs8()).bytes(s.certificate().getEncoded()).bytes(s.root().getEncoded()).u8(s.isConfirmed() ? 1 : 0);
            }
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return writer.toByteArray();
    }

    private static List<Stored> decode(byte[] record) {
        try {
            CanonicalReader reader = CanonicalReader.expect(record, RECORD_DOMAIN);
            long count = reader.u32();
            List<Stored> stored = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                byte[] pkcs8 = reader.bytes();
                X509Certificate certificate = RelyingParty.certificate(reader.bytes());
                X509Certificate root = RelyingParty.certificate(reader.bytes());
                int confirmed = reader.u8();
                if (confirmed > 1) {
                    throw new IllegalArgumentException("a flag is 0 or 1");
                }
                stored.add(new Stored(pkcs8, certificate, root, confirmed == 1));
            }
            reader.end();
            return stored;
        } catch (RuntimeException e) {
            throw new PhoneException(PhoneException.CORRUPT, "the phone's record does not decode");
        }
    }
}
