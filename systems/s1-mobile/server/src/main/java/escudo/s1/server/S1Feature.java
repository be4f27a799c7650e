package escudo.s1.server;

import escudo.bank.Bank;
import escudo.node.NodeConfig.Role;
import escudo.node.http.Binary;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.EventStream;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.node.spi.Setting;
import escudo.core.Bytes;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.api.KioskApi;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.CmpEnrolment;
import escudo.s1.protocol.PhoneProof;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.server.approval.Approvals;
import escudo.s1.server.approval.Handoffs;
import escudo.s1.server.ca.CertificationAuthority;
import escudo.s1.server.kiosk.KioskPart;
import escudo.s1.server.shop.ShopPart;
import escudo.s1.server.ca.CmpServer;
import escudo.s1.server.ca.Enrolments;
import escudo.core.EscudoException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * S1, the certification mobile terminal (seed 001), on the bank: the certification authority
 * (server 600). It publishes its root certificate, its CRL and its OCSP responder, and the bank's
 * desk revokes and lists certificates (docs/api.md, S1).
 */
public final class S1Feature implements Feature {

    public static final Setting<Long> APPROVAL_SECONDS = Setting.number("escudo.s1.approval.seconds", Approvals.DEFAULT_LIFETIME.toSeconds(), 10,
            "How many seconds a pending approval waits for the phone before it expires.");
    public static final Setting<Long> QR_SECONDS = Setting.number("escudo.s1.qr.seconds", Handoffs.DEFAULT_FRESHNESS.toSeconds(), 5,
            "Flow B: how many seconds after a frame of the QR code was shown the phone's signature over it is still taken.");
    public static final Setting<Long> VALIDITY_DAYS = Setting.number("escudo.s1.certificate.validity.days", 365, 1,
            "How many days a user certificate the CA issues is valid.");
    /** Vault name of the box that seals the CA's private keys. */
    private static final String CA_KEYS = "s1-ca-keys";
    /** Vault name of the box that seals the desk's enrolment secrets. */
    private static final String ENROLMENT_SECRETS = "s1-enrolments";
    /** Vault names of the MAC keys of Flow B: the QR code's frames, and the page's tickets. */
    private static final String QR_FRAMES = "s1-qr-frames";
    private static final String HANDOFF_TICKETS = "s1-handoff-tickets";
    static final String PKIX_CERT = "application/pkix-cert";
    static final String PKIX_CRL = "application/pkix-crl";
    private static final String PNG = "image/png";

    @Override
    public String name() {
        return "s1";
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(VALIDITY_DAYS, APPROVAL_SECONDS, QR_SECONDS, KIOSK_FLOOR, ROOT);
    }

    public static final Setting<Long> KIOSK_FLOOR = Setting.number("escudo.s1.kiosk.floor", 0, 0,
            "A merchant's kiosk: the largest amount (minor units) it dispenses on a recent cached OCSP answer when the CA cannot be reached (0: never).");

    /** The bank's S1 root a merchant's kiosk trusts, read from the file the setting names when the node starts. */
    public static final Setting<Optional<RelyingParty>> ROOT = new Setting<>("escudo.s1.root", Optional.empty(),
            "(empty)", "A merchant's kiosk: the bank's S1 root certificate it trusts, a PEM or DER file (`escudo certificate root` writes it);"
            + " empty: the root the bank gives at the kiosk's first use, kept from then on.", S1Feature::readRoot, false);

    private static Optional<RelyingParty> readRoot(String file) {
        try {
            return Optional.of(RelyingParty.trusting(RelyingParty.certificate(Files.readAllBytes(Path.of(file)))));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("names no readable file");
        }
    }

    @Override
    public void join(Party party) {
        if (party.role() == Role.MERCHANT) {
            KioskPart.join(party, party.setting(KIOSK_FLOOR), party.setting(ROOT));
            ShopPart.join(party);
            return;
        }
        if (party.role() != Role.ISSUER) {
            return;
        }
        CertificationAuthority ca = CertificationAuthority.open(party.require(Bank.class), party.secrets().box(CA_KEYS), party.clock(),
                party.config().issuerUrl(), Duration.ofDays(party.setting(VALIDITY_DAYS)));
        party.provide(CertificationAuthority.class, ca);
        Enrolments enrolments = new Enrolments(party.require(Bank.class), party.secrets().box(ENROLMENT_SECRETS), party.clock());
        CmpServer cmp = new CmpServer(ca, enrolments);
        Approvals approvals = new Approvals(party.require(Bank.class), ca, party.clock(), Duration.ofSeconds(party.setting(APPROVAL_SECONDS)));
        party.provide(Approvals.class, approvals);
        Handoffs handoffs = new Handoffs(party.require(Bank.class), ca, party.secrets().macKey(QR_FRAMES), party.secrets().macKey(HANDOFF_TICKETS),
                party.clock(), Duration.ofSeconds(party.setting(APPROVAL_SECONDS)), Duration.ofSeconds(party.setting(QR_SECONDS)));
        Desk desk = new Desk(party.secrets().operatorToken(), "a bank desk operation");
        RateLimit limit = party.rateLimit();
        party.routes(r -> {
            Routes.get(r, "/issuer/ca/root", req -> Binary.of(PKIX_CERT, der(ca)));
            Routes.get(r, "/issuer/ca/crl", req -> Binary.of(PKIX_CRL, ca.crl()));
            // open, and each answer costs a signature: limited per address
            Routes.postBytes(r, "/issuer/ca/ocsp", RelyingParty.OCSP_REQUEST, (body, req) -> {
                limit.admit(req);
                return Binary.of(RelyingParty.OCSP_RESPONSE, ca.responder().respond(body));
            });
            // seed 001, [43]: the desk checked who the user is and gives the reference number and secret
            Routes.post(r, "/issuer/ca/enrolments", CaApi.Enrol.class, (body, req) -> desk.only(req, () -> {
                Enrolments.Issued issued = enrolments.issue(body.customerId(), body.phoneNumber());
                return new Created(new CaApi.Reference(issued.reference(), issued.secret(), issued.expiresAt()));
            }));
            // S100-S140: the phone (or any CMP client) enrols; open, and each message costs a MAC check: limited
            Routes.postBytes(r, "/issuer/ca/cmp", CmpEnrolment.MEDIA_TYPE, (body, req) -> {
                limit.admit(req);
                return Binary.of(CmpEnrolment.MEDIA_TYPE, cmp.handle(body));
            });
            // The PC's side of Flows A and B (terminal 200): the online-banking page; its script talks only to the routes below
            Routes.page(r, "/issuer/s1/", S1Feature.class, "web/online-banking.html", "web/online-banking.js", "web/s1.js", "web/s1.css");
            // Flow A (Fig. 3): the online-banking page starts and follows, the phone fetches and signs; open, as the
            // phone number alone reads nothing and only the signature moves money; starting costs a row: limited
            Routes.post(r, "/issuer/s1/approvals/transfers", ApprovalApi.StartTransfer.class, (body, req) -> {
                limit.admit(req);
                return started(approvals.transfer(body.customerId(), body.phoneNumber(), body.payeeCustomerId(), body.amount(), body.message()));
            });
            Routes.post(r, "/issuer/s1/approvals/purchases", ApprovalApi.StartPurchase.class, (body, req) -> {
                limit.admit(req);
                return started(approvals.purchase(body.customerId(), body.phoneNumber(), body.merchantId(), body.amount(), body.description()));
            });
            Routes.post(r, "/issuer/s1/approvals/{id}/collect", ApprovalApi.Collect.class,
                    (body, req) -> status(approvals.collect(req.path("id"), body.collectToken())));
            Routes.post(r, "/issuer/s1/approvals/{id}/cancel", ApprovalApi.Collect.class,
                    (body, req) -> status(approvals.cancel(req.path("id"), body.collectToken())));
            // Flow B (Fig. 5): the page starts a local hand-off and shows its QR code, a new frame each second, then
            // forwards what the phone signed; the bank keeps nothing until it ends. Starting costs a look-up: limited
            Routes.post(r, "/issuer/s1/handoffs/transfers", ApprovalApi.StartTransfer.class, (body, req) -> {
                limit.admit(req);
                return handoff(handoffs.transfer(body.customerId(), body.phoneNumber(), body.payeeCustomerId(), body.amount(), body.message()));
            });
            Routes.post(r, "/issuer/s1/handoffs/purchases", ApprovalApi.StartPurchase.class, (body, req) -> {
                limit.admit(req);
                return handoff(handoffs.purchase(body.customerId(), body.phoneNumber(), body.merchantId(), body.amount(), body.description()));
            });
            Routes.post(r, "/issuer/s1/handoffs/frame", ApprovalApi.Ticket.class,
                    (body, req) -> Binary.of(PNG, handoffs.image(body.ticket().toByteArray())));
            Routes.post(r, "/issuer/s1/handoffs/signature", ApprovalApi.Signature.class,
                    (body, req) -> status(handoffs.handOver(body.signed().toByteArray())));
            Routes.post(r, "/issuer/s1/handoffs/cancel", ApprovalApi.Ticket.class,
                    (body, req) -> status(handoffs.cancel(body.ticket().toByteArray())));
            // S210: the phone's push channel, server-sent events that carry no transaction data
            Routes.post(r, "/issuer/s1/phone/events", PhoneProof.class, (body, req) -> {
                Approvals.Subscription subscription = approvals.subscribe(body);
                return new EventStream(sink -> approvals.push(subscription, sink));
            });
            Routes.post(r, "/issuer/s1/phone/pending", PhoneProof.class, (body, req) -> new ApprovalApi.Pending(
                    approvals.pending(body).stream().map(request -> Bytes.of(request.encode())).toList()));
            Routes.post(r, "/issuer/s1/approvals/{id}/signature", ApprovalApi.Signature.class,
                    (body, req) -> status(approvals.approve(req.path("id"), body.signed().toByteArray())));
            Routes.post(r, "/issuer/s1/approvals/{id}/decline", PhoneProof.class, (body, req) -> status(approvals.decline(req.path("id"), body)));
            // Flow C, S560: a kiosk's merchant collects what users signed at its kiosk; the money goes only to that merchant
            Routes.post(r, "/issuer/s1/kiosk/collections", KioskApi.Collect.class, (body, req) -> new KioskApi.Collected(
                    body.signed().stream().map(signed -> outcome(approvals, signed)).toList()));
            Routes.post(r, "/issuer/ca/certificates/{serial}/revocation", CaApi.Revoke.class, (body, req) -> desk.only(req,
                    () -> view(ca.revoke(serial(req.path("serial")), body.reason()))));
            Routes.get(r, "/issuer/ca/certificates/{serial}", req -> desk.only(req, () -> view(ca.entry(serial(req.path("serial")))
                    .orElseThrow(() -> new CertificateException(CertificateException.NOT_FOUND, "the CA issued no such certificate")))));
            Routes.get(r, "/issuer/customers/{id}/certificates", req -> desk.only(req,
                    () -> new CaApi.Certificates(ca.certificatesOf(req.path("id")).stream().map(S1Feature::view).toList())));
        });
    }

    /** One challenge's outcome, so that one refused challenge never holds back the kiosk's others. */
    private static KioskApi.Outcome outcome(Approvals approvals, Bytes signed) {
        try {
            return new KioskApi.Outcome(approvals.collectKioskPurchase(signed.toByteArray()), null);
        } catch (EscudoException refused) {
            if (refused.kind() == EscudoException.Kind.INTERNAL) {
                throw refused; // our fault: the kiosk sends it again
            }
            return new KioskApi.Outcome(null, refused.code().value());
        }
    }

    private static Created started(Approvals.Started started) {
        return new Created(new ApprovalApi.Started(started.approvalId(), started.collectToken(), started.expiresAt()),
                "/issuer/s1/approvals/" + started.approvalId());
    }

    private static ApprovalApi.Status status(Approvals.View view) {
        return new ApprovalApi.Status(view.approvalId(), view.status(), view.status().hint(), view.expiresAt());
    }

    private static Created handoff(Handoffs.Started started) {
        return new Created(new ApprovalApi.Handoff(started.approvalId(), Bytes.of(started.ticket()), started.expiresAt()));
    }

    private static CaApi.CertificateView view(CertificationAuthority.Entry entry) {
        return new CaApi.CertificateView(entry.serial().toString(16), entry.customerId(), entry.phoneNumber(),
                entry.certificate().getNotBefore().toInstant(), entry.certificate().getNotAfter().toInstant(),
                entry.confirmedAt(), entry.revokedAt(), entry.revocationReason());
    }

    /** A serial number as the desk gives it: lower-case hex, at most 20 octets (RFC 5280). */
    private static BigInteger serial(String hex) {
        if (!hex.matches("[0-9a-f]{1,40}")) {
            throw new CertificateException(CertificateException.MALFORMED, "a serial number is 1 to 40 lower-case hex digits");
        }
        return new BigInteger(hex, 16);
    }

    private static byte[] der(CertificationAuthority ca) {
        try {
            return ca.root().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
