package escudo.cli;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.crypto.Digest;
import escudo.http.PartyClient;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.api.KioskApi;
import escudo.s1.phone.CaLink;
import escudo.s1.phone.Credential;
import escudo.s1.phone.Phone;
import escudo.s1.phone.PhoneException;
import escudo.s1.phone.ServiceLink;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.KioskChallenge;
import escudo.s1.protocol.PhoneProof;
import escudo.s1.protocol.QrFrame;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.RevocationReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** S1 (seed 001): the bank's certification desk, and the certification mobile terminal kept on this machine. */
final class S1Commands {

    private S1Commands() {}

    @Command(name = "certificate", description = "S1: the bank's certification desk: enrolment references, certificates, revocation.",
            subcommands = {Certificates.Reference.class, Certificates.List.class, Certificates.Revoke.class, Certificates.Root.class})
    static final class Certificates extends Group {

        @Command(name = "reference", description = "After checking the customer's identity, give the reference number and secret the phone enrols with.")
        static final class Reference extends BankAction {

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer.")
            String customer;

            @Option(names = "--phone-number", required = true, paramLabel = "E164", description = "The phone's number, such as +46701234567.")
            String phoneNumber;

            @Override
            void run(PartyClient bank) {
                CaApi.Reference reference = bank.post("/issuer/ca/enrolments", new CaApi.Enrol(customer, phoneNumber), CaApi.Reference.class);
                out().println("reference " + reference.reference() + " secret " + reference.secret() + " for " + customer
                        + " (once, until " + reference.expiresAt() + ")");
            }
        }

        @Command(name = "list", description = "A customer's certificates, newest first.")
        static final class List extends BankAction {

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer.")
            String customer;

            @Override
            void run(PartyClient bank) {
                for (CaApi.CertificateView c : bank.get("/issuer/customers/" + customer + "/certificates", CaApi.Certificates.class).certificates()) {
                    String standing = c.revokedAt() != null ? "revoked " + c.revokedAt() + " (" + c.reason() + ")"
                            : c.confirmedAt() != null ? "good" : "not confirmed by the phone";
                    out().println("  " + c.serial() + " " + c.phoneNumber() + " valid " + c.notBefore() + " to " + c.notAfter() + ": " + standing);
                }
            }
        }

        @Command(name = "revoke", description = "Revoke a certificate: OCSP says so at once, the next CRL lists it.")
        static final class Revoke extends BankAction {

            @Option(names = "--serial", required = true, paramLabel = "HEX", description = "The certificate's serial number, as 'certificate list' shows it.")
            String serial;

            @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
                    description = "unspecified, key-compromise, ca-compromise, affiliation-changed, superseded, cessation-of-operation, privilege-withdrawn (default: ${DEFAULT-VALUE}).")
            RevocationReason reason;

            @Override
            void run(PartyClient bank) {
                CaApi.CertificateView revoked = bank.post("/issuer/ca/certificates/" + serial + "/revocation", new CaApi.Revoke(reason),
                        CaApi.CertificateView.class);
                out().println("certificate " + revoked.serial() + " of " + revoked.customerId() + " revoked " + revoked.revokedAt() + " (" + revoked.reason() + ")");
            }
        }

        @Command(name = "root", description = {"Write the bank's S1 root certificate (PEM) that a merchant's kiosk is configured with"
                + " (escudo.s1.root), and print its SHA-256 fingerprint for the merchant to compare by another channel."})
        static final class Root extends BankAction {

            @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the certificate.")
            Path file;

            @Override
            void run(PartyClient bank) {
                byte[] der = bank.get("/issuer/ca/root", byte[].class);
                X509Certificate root = RelyingParty.trusting(RelyingParty.certificate(der)).root();
                try {
                    Files.writeString(file, Artefacts.pem("CERTIFICATE", der));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                out().println("root " + root.getSubjectX500Principal().getName() + " SHA-256 " + HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(Digest.sha256(der)) + " written to " + file);
            }
        }
    }

    @Command(name = "phone", description = "S1: the certification mobile terminal kept on this machine: its key and certificates behind a PIN.",
            subcommands = {Phones.Create.class, Phones.Enrol.class, Phones.List.class, Phones.Wait.class, Phones.Approve.class,
                    Phones.Decline.class, Phones.Scan.class, Phones.Present.class, Phones.Renew.class})
    static final class Phones extends Group {

        /** Which phone, under --phones. */
        static final class Which {

            @Option(names = "--phone", required = true, paramLabel = "NAME", converter = Converters.FileName.class,
                    description = "The phone's name (its directory under --phones).")
            String name;

            Path dir(Options.Nodes nodes) {
                return nodes.phones().resolve(name);
            }
        }

        @Command(name = "create", description = "A new phone; its holder chooses the PIN that guards every use of its keys.")
        static final class Create extends Action {

            @Mixin
            Which phone;

            @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The PIN to choose: 4 to 12 digits.")
            String pin;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                Phone.create(phone.dir(nodes), pin, Clock.systemUTC());
                out().println("phone " + phone.name + " created in " + phone.dir(nodes));
            }
        }

        @Command(name = "enrol", description = "Make a key pair on the phone and get its certificate from the bank's CA (CMP) with the desk's reference and secret.")
        static final class Enrol extends Action {

            @Mixin
            Which phone;

            @Option(names = "--reference", required = true, paramLabel = "DIGITS", description = "The reference number from 'certificate reference'.")
            String reference;

            @Option(names = "--secret", required = true, paramLabel = "SECRET", description = "The secret that came with it.")
            String secret;

            @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The phone's PIN.")
            String pin;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                Credential credential = Phone.open(phone.dir(nodes), Clock.systemUTC())
                        .enrol(CaLink.http(nodes.bankUri()), reference, secret.toCharArray(), pin);
                out().println("certificate " + credential.serial().toString(16) + " for " + credential.user().name() + " ("
                        + credential.user().customerId() + ", " + credential.user().phoneNumber() + ") valid until "
                        + credential.certificate().getNotAfter().toInstant());
            }
        }

        @Command(name = "renew", description = "Renew the phone's certificate with a fresh key pair (CMP key update, signed with the current key); "
                + "the CA then revokes the old one as superseded.")
        static final class Renew extends Action {

            @Mixin
            Which phone;

            @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The phone's PIN.")
            String pin;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                Phone device = Phone.open(phone.dir(nodes), Clock.systemUTC());
                Credential old = PhoneAction.newest(device);
                Credential renewed = device.renew(CaLink.http(nodes.bankUri()), old.serial(), pin);
                out().println("certificate " + renewed.serial().toString(16) + " replaces " + old.serial().toString(16) + ", valid until "
                        + renewed.certificate().getNotAfter().toInstant());
            }
        }

        /** A phone command that talks to the bank with the phone's newest confirmed certificate. */
        abstract static class PhoneAction extends Action {

            @Mixin
            Which phone;

            @Mixin
            Options.Nodes nodes;

            abstract void run(Phone device, BigInteger serial, ServiceLink bank);

            @Override
            final void run() {
                Phone device = Phone.open(phone.dir(nodes), Clock.systemUTC());
                try (ServiceLink bank = new ServiceLink(nodes.bankUri())) {
                    run(device, newest(device).serial(), bank);
                }
            }

            /** The phone's newest confirmed certificate: the one it approves with. */
            static Credential newest(Phone device) {
                return device.credentials().stream().filter(Credential::confirmed).reduce((first, second) -> second)
                        .orElseThrow(() -> new PhoneException(PhoneException.NO_CREDENTIAL, "the phone holds no confirmed certificate: enrol first"));
            }

            /** The approval as the bank holds it for this phone, so what is signed is what the bank asks, not what was typed. */
            static ApprovalRequest shown(Phone device, ServiceLink bank, BigInteger serial, String approvalId) {
                return device.pending(bank, serial).stream().filter(r -> r.approvalId().equals(approvalId)).findFirst()
                        .orElseThrow(() -> new ApprovalException(ApprovalException.UNKNOWN, "no open approval of that id waits for this phone"));
            }
        }

        @Command(name = "wait", description = {"Keep the push channel open until an approval waits for the phone, then show each, "
                + "exactly as the phone signs it.", "Exit 0 when one was shown, 3 when none came in time."})
        static final class Wait extends PhoneAction {

            @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "How long to listen (default: ${DEFAULT-VALUE}).")
            long seconds;

            @Override
            void run(Phone device, BigInteger serial, ServiceLink bank) {
                if (bank.awaitPending(device.proof(serial, PhoneProof.EVENTS), Duration.ofSeconds(seconds)) == 0) {
                    out().println("no approval came within " + seconds + " s");
                    exitWith(3);
                    return;
                }
                for (ApprovalRequest request : device.pending(bank, serial)) {
                    out().println("approval " + request.approvalId() + ":");
                    request.display().forEach(line -> out().println("  " + line));
                }
            }
        }

        @Command(name = "approve", description = "Sign an approval the phone showed, with the PIN.")
        static final class Approve extends PhoneAction {

            @Option(names = "--approval", required = true, paramLabel = "ID", description = "The approval, as 'phone wait' showed it.")
            String approval;

            @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The phone's PIN.")
            String pin;

            @Override
            void run(Phone device, BigInteger serial, ServiceLink bank) {
                ApprovalApi.Status status = device.approve(bank, serial, shown(device, bank, serial, approval), pin);
                out().println("approval " + status.approvalId() + ": " + status.hint());
            }
        }

        @Command(name = "decline", description = "Say no to an approval the phone showed.")
        static final class Decline extends PhoneAction {

            @Option(names = "--approval", required = true, paramLabel = "ID", description = "The approval, as 'phone wait' showed it.")
            String approval;

            @Override
            void run(Phone device, BigInteger serial, ServiceLink bank) {
                ApprovalApi.Status status = device.decline(bank, serial, shown(device, bank, serial, approval));
                out().println("approval " + status.approvalId() + ": " + status.hint());
            }
        }

        @Command(name = "scan", description = {"Flow B: read the QR code in an image of the PC's screen and show exactly what it asks; "
                + "with --pin, sign it and write the signature for the PC to forward (the local link: a file the user hands over).",
                "The code changes every second: a signature over an old frame is refused as stale."})
        static final class Scan extends Action {

            @Mixin
            Which phone;

            @Mixin
            Options.Nodes nodes;

            @Option(names = "--image", required = true, paramLabel = "FILE", description = "A picture of the code (PNG or JPEG).")
            Path image;

            @Option(names = "--pin", paramLabel = "PIN", description = "The phone's PIN: sign what the code shows.")
            String pin;

            @Option(names = "--out", paramLabel = "FILE", description = "Where to write the signed approval (default: approval-<id>.p7m here).")
            Path signedFile;

            @Override
            void run() {
                QrFrame frame = Phone.scan(read(image));
                ApprovalRequest request = frame.request();
                out().println("approval " + request.approvalId() + ":");
                request.display().forEach(line -> out().println("  " + line));
                if (pin == null) {
                    out().println("to approve it, scan again with --pin");
                    return;
                }
                Phone device = Phone.open(phone.dir(nodes), Clock.systemUTC());
                byte[] signed = device.sign(PhoneAction.newest(device).serial(), frame, pin);
                Path file = signedFile != null ? signedFile : Path.of("approval-" + request.approvalId() + ".p7m");
                try {
                    Files.write(file, signed);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the signed approval to " + file, e);
                }
                out().println("signed; hand " + file + " to the PC (CMS SignedData, " + signed.length + " bytes)");
            }

            private static byte[] read(Path image) {
                try {
                    return Files.readAllBytes(image);
                } catch (IOException e) {
                    throw new EscudoException(Main.USAGE, "cannot read the image " + image);
                }
            }
        }

        @Command(name = "present", description = {"Flow C: read the kiosk's challenge and show it; with --pin, sign it and present it to the kiosk, "
                + "which checks the certificate with the CA before it dispenses."})
        static final class Present extends Action {

            @Mixin
            Which phone;

            @Mixin
            Options.Nodes nodes;

            @Option(names = "--kiosk", required = true, paramLabel = "URL", description = "The kiosk's address, such as http://127.0.0.1:7411.")
            URI kiosk;

            @Option(names = "--challenge", required = true, paramLabel = "ID", description = "The challenge the kiosk's screen shows.")
            String challengeId;

            @Option(names = "--pin", paramLabel = "PIN", description = "The phone's PIN: sign and present.")
            String pin;

            @Override
            void run() {
                Phone device = Phone.open(phone.dir(nodes), Clock.systemUTC());
                Credential credential = PhoneAction.newest(device);
                try (PartyClient atTheKiosk = new PartyClient(kiosk)) {
                    String path = "/merchant/s1/kiosk/challenges/" + challengeId;
                    KioskChallenge challenge = atTheKiosk.get(path, KioskApi.Challenge.class).challenge();
                    ApprovalRequest request = challenge.request(credential.user());
                    out().println("kiosk challenge " + challenge.challengeId() + ":");
                    request.display().forEach(line -> out().println("  " + line));
                    if (pin == null) {
                        out().println("to pay, present again with --pin");
                        return;
                    }
                    KioskApi.Dispensed dispensed = atTheKiosk.post(path + "/presentation", new KioskApi.Presentation(
                            Bytes.of(device.sign(credential.serial(), challenge, pin))), KioskApi.Dispensed.class);
                    out().println("the kiosk dispenses " + dispensed.item() + " (" + dispensed.amount() + ", standing checked " + dispensed.standing() + ")");
                }
            }
        }

        @Command(name = "list", description = "The certificates on the phone.")
        static final class List extends Action {

            @Mixin
            Which phone;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                for (Credential c : Phone.open(phone.dir(nodes), Clock.systemUTC()).credentials()) {
                    out().println("  " + c.serial().toString(16) + " " + c.user().name() + " " + c.user().phoneNumber() + " until "
                            + c.certificate().getNotAfter().toInstant() + (c.confirmed() ? "" : " (not confirmed: enrol again)"));
                }
            }
        }
    }
}
