package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.cardos.CardOs;
import escudo.cardos.CardOsException;
import escudo.core.Money;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.CaApi;
import escudo.s1.protocol.EnrolmentException;
import escudo.s1.protocol.RelyingParty;
import escudo.s1.protocol.UserIdentity;
import escudo.testing.TestBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 001, terminal 500: the phone makes its key, enrols it by CMP behind the holder's PIN, and keeps it sealed. */
class PhoneTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";

    @TempDir
    Path dir;
    private RestartableParty bank;
    private final Clock clock = Clock.systemUTC();

    @BeforeEach
    void start() {
        bank = S1Bank.start(dir, Clock.systemUTC());
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("100.00 EUR")),
                BankApi.Balance.class);
    }

    @AfterEach
    void stop() {
        bank.close();
    }

    @Test
    void thePhoneEnrolsItsOwnKeyAndKeepsTheCertificateSealedAcrossARestart() throws Exception {
        Phone phone = Phone.create(dir.resolve("phone"), PIN, clock);
        assertTrue(phone.credentials().isEmpty());
        CaApi.Reference reference = reference();
        Credential credential = phone.enrol(CaLink.http(bank.uri()), reference.reference(), reference.secret().toCharArray(), PIN);
        assertTrue(credential.confirmed());
        assertEquals(new UserIdentity("Alice Andersson", "alice", PHONE), credential.user());
        RelyingParty bankTrust = RelyingParty.trusting(RelyingParty.certificate(
                java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(bank.uri().resolve("/issuer/ca/root")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body()));
        assertEquals(bankTrust.root(), credential.root(), "the phone's trust anchor is the bank's root");

        Phone reopened = Phone.open(dir.resolve("phone"), clock);
        assertEquals(phone.credentials(), reopened.credentials());
        byte[] state = Files.readAllBytes(dir.resolve("phone").resolve(CardOs.STATE_FILE));
        assertFalse(TestBytes.contains(state, credential.certificate().getEncoded()), "the record is sealed at rest");
        CaApi.CertificateView atTheCa = bank.desk().get("/issuer/ca/certificates/" + credential.serial().toString(16), CaApi.CertificateView.class);
        assertTrue(atTheCa.confirmedAt() != null, "the CA saw the phone's confirmation");
    }

    @Test
    void aWrongPinEnrolsNothingAndLeavesTheReferenceForTheRightOneAndThreeLockThePhone() {
        Phone phone = Phone.create(dir.resolve("phone"), PIN, clock);
        CaApi.Reference reference = reference();
        CaLink ca = CaLink.http(bank.uri());
        assertRefused(CardOsException.WRONG_PIN, () -> phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), "1111"));
        assertTrue(bank.desk().get("/issuer/customers/alice/certificates", CaApi.Certificates.class).certificates().isEmpty());
        phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), PIN);
        assertRefused(EnrolmentException.USED_REFERENCE, () -> phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), PIN));
        assertEquals(1, phone.credentials().size(), "a refused enrolment keeps nothing");

        for (int i = 0; i < 2; i++) {
            assertRefused(CardOsException.WRONG_PIN, () -> phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), "1111"));
        }
        assertRefused(CardOsException.WRONG_PIN, () -> phone.enrol(ca, reference.reference(), reference.secret().toCharArray(), "1111"));
        assertRefused(CardOsException.LOCKED, () -> phone.enrol(ca, reference().reference(), reference.secret().toCharArray(), PIN));
    }

    @Test
    void aWrongSecretOrAnUnreachableCaKeepsNothingOnThePhone() {
        Phone phone = Phone.create(dir.resolve("phone"), PIN, clock);
        CaApi.Reference reference = reference();
        assertRefused(EnrolmentException.BAD_PROTECTION, () -> phone.enrol(CaLink.http(bank.uri()), reference.reference(), "WRONG".toCharArray(), PIN));
        assertRefused(CaLink.UNREACHABLE, () -> phone.enrol(CaLink.http(java.net.URI.create("http://127.0.0.1:9")), reference.reference(),
                reference.secret().toCharArray(), PIN));
        assertTrue(phone.credentials().isEmpty());
    }

    @Test
    void thePhoneRenewsItsCertificateWithAFreshKeyAndDropsTheOneTheCaSuperseded() {
        Phone phone = Phone.create(dir.resolve("phone"), PIN, clock);
        java.math.BigInteger first = S1Bank.enrol(bank, phone, "alice", PHONE, PIN);
        CaLink ca = CaLink.http(bank.uri());
        assertRefused(CardOsException.WRONG_PIN, () -> phone.renew(ca, first, "1111"));
        assertEquals(1, bank.desk().get("/issuer/customers/alice/certificates", CaApi.Certificates.class).certificates().size(), "nothing asked");

        Credential renewed = phone.renew(ca, first, PIN);
        assertEquals(java.util.List.of(renewed.serial()), phone.credentials().stream().map(Credential::serial).toList(), "only the new one is kept");
        assertTrue(renewed.confirmed());
        assertEquals(new UserIdentity("Alice Andersson", "alice", PHONE), renewed.user());
        java.util.List<CaApi.CertificateView> atTheCa = bank.desk().get("/issuer/customers/alice/certificates", CaApi.Certificates.class).certificates();
        CaApi.CertificateView old = atTheCa.stream().filter(c -> c.serial().equals(first.toString(16))).findFirst().orElseThrow();
        assertEquals(escudo.s1.protocol.RevocationReason.SUPERSEDED, old.reason());
        assertRefused(PhoneException.NO_CREDENTIAL, () -> phone.renew(ca, first, PIN));
        try (ServiceLink link = new ServiceLink(bank.uri())) {
            assertTrue(phone.pending(link, renewed.serial()).isEmpty(), "the bank takes the new certificate");
        }
    }

    private CaApi.Reference reference() {
        return bank.desk().post("/issuer/ca/enrolments", new CaApi.Enrol("alice", PHONE), CaApi.Reference.class);
    }
}
