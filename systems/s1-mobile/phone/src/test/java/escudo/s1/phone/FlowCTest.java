package escudo.s1.phone;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.bank.client.BankApi;
import escudo.cardos.CardOsException;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.Fault;
import escudo.node.testing.FaultProxy;
import escudo.node.testing.Resources;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.CaApi;
import escudo.s1.api.KioskApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.CertificateException;
import escudo.s1.protocol.KioskChallenge;
import escudo.s1.protocol.RevocationReason;
import escudo.s1.server.kiosk.Kiosk;
import escudo.testing.TestClock;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001, Flow C (Figs. 6-7, S500-S560) over real HTTP: the kiosk (a merchant's node) shows a
 * challenge for the picked item, the phone signs it with the PIN, the kiosk checks signature and
 * chain itself and asks the CA online before it dispenses; with the CA unreachable it dispenses
 * only up to its floor on a recent good answer; the merchant collects from the bank, once.
 */
class FlowCTest {

    private static final String PIN = "2468";
    private static final String PHONE = "+46701234567";
    private static final String KIOSK = "kiosk-1";

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private RestartableParty bank;
    private FaultProxy toBank;
    private PartyNode kiosk;
    private PartyClient screen;
    private PartyClient visitor;
    private Phone phone;
    private BigInteger certificate;

    @BeforeEach
    void start() {
        bank = S1Bank.start(dir, clock);
        S1Bank.openCustomers(bank, true);
        toBank = FaultProxy.to(bank::uri);
        kiosk = S1Bank.merchant(bank, dir, clock, KIOSK, "Station kiosk", toBank.uri(), Map.of("escudo.s1.kiosk.floor", "500"));
        screen = new PartyClient(kiosk.uri(), kiosk.operatorToken());
        visitor = new PartyClient(kiosk.uri());
        S1Bank.Enrolled alice = S1Bank.phone(bank, dir.resolve("phone"), clock, "alice", PHONE, PIN);
        phone = alice.phone();
        certificate = alice.serial();
    }

    @AfterEach
    void stop() {
        Resources.closeAll(screen, visitor, kiosk, toBank, bank);
    }

    @Test
    void theKioskDispensesOnASignedChallengeAndAGoodOcspAnswerAndTheMerchantCollectsOnce() {
        KioskChallenge challenge = pick("cigarettes", "4.50 EUR");
        KioskApi.Dispensed dispensed = present(challenge.challengeId(), phone.sign(certificate, read(challenge.challengeId()), PIN));
        assertEquals(new KioskApi.Dispensed(challenge.challengeId(), "cigarettes", Money.parse("4.50 EUR"), "online"), dispensed);
        byte[] signed = phone.sign(certificate, challenge, PIN);
        assertRefused(ApprovalException.DONE, () -> present(challenge.challengeId(), signed));

        KioskApi.Collection collection = screen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class);
        assertEquals(1, collection.sent());
        assertEquals(Money.parse("4.50 EUR"), collection.total());
        assertBalances("95.50 EUR", "4.50 EUR");
        assertEquals(0, screen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class).sent());
        bank.desk().post("/issuer/s1/kiosk/collections", new KioskApi.Collect(java.util.List.of(Bytes.of(signed))), KioskApi.Collected.class);
        assertBalances("95.50 EUR", "4.50 EUR"); // collected again: the ledger transfer is the same one
    }

    @Test
    void aSignatureForAnotherItemAnExpiredChallengeAWrongPinAndARevokedCertificateDispenseNothing() {
        KioskChallenge first = pick("water", "2.00 EUR");
        KioskChallenge second = pick("a sandwich", "6.00 EUR");
        assertRefused(ApprovalException.CONTENT_MISMATCH, () -> present(second.challengeId(), phone.sign(certificate, first, PIN)));
        assertRefused(CardOsException.WRONG_PIN, () -> phone.sign(certificate, first, "1111"));
        clock.advance(Kiosk.CHALLENGE_LIFETIME);
        assertRefused(ApprovalException.EXPIRED, () -> present(first.challengeId(), phone.sign(certificate, first, PIN)));
        assertRefused(ApprovalException.UNKNOWN, () -> visitor.get("/merchant/s1/kiosk/challenges/kch-none", KioskApi.Challenge.class));

        KioskChallenge third = pick("water", "2.00 EUR");
        bank.desk().post("/issuer/ca/certificates/" + certificate.toString(16) + "/revocation", new CaApi.Revoke(RevocationReason.KEY_COMPROMISE),
                CaApi.CertificateView.class);
        assertRefused(CertificateException.REVOKED, () -> present(third.challengeId(), phone.sign(certificate, third, PIN)));
        assertEquals(0, screen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class).sent());
        assertBalances("100.00 EUR", "0.00 EUR");
    }

    @Test
    void withTheCaUnreachableTheKioskDispensesOnlyUpToItsFloorOnARecentGoodAnswer() {
        KioskChallenge unseen = pick("water", "2.00 EUR");
        toBank.plan("POST /issuer/ca/ocsp", Fault.reset());
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> present(unseen.challengeId(), phone.sign(certificate, unseen, PIN)));

        KioskChallenge online = pick("water", "2.00 EUR");
        assertEquals("online", present(online.challengeId(), phone.sign(certificate, online, PIN)).standing());
        KioskChallenge small = pick("a coffee", "3.00 EUR");
        KioskChallenge large = pick("a sandwich", "6.00 EUR");
        toBank.plan("POST /issuer/ca/ocsp", Fault.reset(), Fault.reset());
        assertEquals("cached", present(small.challengeId(), phone.sign(certificate, small, PIN)).standing());
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> present(large.challengeId(), phone.sign(certificate, large, PIN)));

        clock.advance(Kiosk.CACHE_AGE.plusSeconds(1));
        KioskChallenge stale = pick("a coffee", "3.00 EUR");
        toBank.plan("POST /issuer/ca/ocsp", Fault.reset());
        assertRefused(CertificateException.STATUS_UNKNOWN, () -> present(stale.challengeId(), phone.sign(certificate, stale, PIN)));
        assertEquals(2, screen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class).sent());
        assertBalances("95.00 EUR", "5.00 EUR");
    }

    /** The floor's risk, borne by the merchant: dispensed on a cached answer to a certificate revoked since, the bank refuses that one alone. */
    @Test
    void aCachedDispenseToARevokedCertificateIsRefusedAtCollectionAndTheOthersArePaid() {
        KioskChallenge online = pick("water", "2.00 EUR");
        present(online.challengeId(), phone.sign(certificate, online, PIN));
        clock.advance(java.time.Duration.ofSeconds(1)); // the phone is stolen after that purchase
        bank.desk().post("/issuer/ca/certificates/" + certificate.toString(16) + "/revocation", new CaApi.Revoke(RevocationReason.KEY_COMPROMISE),
                CaApi.CertificateView.class);
        clock.advance(java.time.Duration.ofSeconds(1));
        KioskChallenge cached = pick("a coffee", "3.00 EUR");
        toBank.plan("POST /issuer/ca/ocsp", Fault.reset());
        assertEquals("cached", present(cached.challengeId(), phone.sign(certificate, cached, PIN)).standing());

        KioskApi.Collection collection = screen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class);
        assertEquals(2, collection.sent());
        assertEquals(1, collection.refused());
        assertEquals(Money.parse("2.00 EUR"), collection.total());
        assertBalances("98.00 EUR", "2.00 EUR");
        assertEquals(0, screen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class).sent(), "not sent again");
    }

    @Test
    void aKioskWhoseMerchantTheBankDoesNotKnowYetKeepsItsSignedChallengesUntilItDoes() throws Exception {
        Secrets secrets = Secrets.ephemeral(SigningKey.generate());
        try (PartyNode newKiosk = PartyNode.of(Role.MERCHANT, NodeConfig.of(Map.of("escudo.issuer.id", "bank-1", "escudo.issuer.url",
                bank.uri().toString(), "escudo.merchant.id", "kiosk-2", "escudo.merchant.port", "0")))
                .database(RestartableParty.durableDatabase(dir.resolve("kiosk-2"))).secrets(secrets).clock(clock).start();
             PartyClient itsScreen = new PartyClient(newKiosk.uri(), newKiosk.operatorToken());
             PartyClient itsVisitor = new PartyClient(newKiosk.uri())) {
            KioskChallenge challenge = itsScreen.post("/merchant/s1/kiosk/challenges", new KioskApi.Pick("water", Money.parse("2.00 EUR")),
                    KioskApi.Challenge.class).challenge();
            itsVisitor.post("/merchant/s1/kiosk/challenges/" + challenge.challengeId() + "/presentation",
                    new KioskApi.Presentation(Bytes.of(phone.sign(certificate, challenge, PIN))), KioskApi.Dispensed.class);
            KioskApi.Collection early = itsScreen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class);
            assertEquals(1, early.refused(), "the bank knows no merchant kiosk-2");

            bank.desk().post("/issuer/merchants", new BankApi.OpenMerchant("kiosk-2", "Second kiosk", "EUR", secrets.signingKey().verifyingKey()),
                    BankApi.Balance.class);
            KioskApi.Collection later = itsScreen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class);
            assertEquals(1, later.sent(), "sent again once the bank knows the merchant");
            assertEquals(Money.parse("2.00 EUR"), later.total());
            assertEquals(Money.parse("2.00 EUR"), bank.desk().get("/issuer/merchants/kiosk-2", BankApi.Balance.class).balance());
        }
    }

    /** Every relying service is configured with the bank's root as its trust anchor (escudo.s1.root), and trusts no other. */
    @Test
    void aKioskTrustsTheRootItsOperatorConfiguredAndNoOther() throws Exception {
        try (RestartableParty otherBank = S1Bank.start(dir.resolve("other-bank"), clock)) {
            Path ours = rootFile(bank, "root.pem");
            Path theirs = rootFile(otherBank, "other-root.pem");
            try (PartyNode wary = S1Bank.merchant(bank, dir, clock, "kiosk-2", "Wary kiosk", toBank.uri(), Map.of("escudo.s1.root", theirs.toString()));
                 PartyClient itsScreen = new PartyClient(wary.uri(), wary.operatorToken())) {
                KioskChallenge challenge = pick(itsScreen, "water", "2.00 EUR");
                assertRefused(CertificateException.UNTRUSTED, () -> present(itsScreen, challenge.challengeId(), phone.sign(certificate, challenge, PIN)));
                assertEquals(0, itsScreen.post("/merchant/s1/kiosk/collections", new KioskApi.Send(), KioskApi.Collection.class).sent());
            }
            toBank.plan("GET /issuer/ca/root", Fault.reset()); // it needs nothing from the bank's address to trust the root
            try (PartyNode configured = S1Bank.merchant(bank, dir, clock, "kiosk-3", "Configured kiosk", toBank.uri(), Map.of("escudo.s1.root", ours.toString()));
                 PartyClient itsScreen = new PartyClient(configured.uri(), configured.operatorToken())) {
                KioskChallenge challenge = pick(itsScreen, "water", "2.00 EUR");
                assertEquals("online", present(itsScreen, challenge.challengeId(), phone.sign(certificate, challenge, PIN)).standing());
            }
        }
        Path userCertificate = Files.write(dir.resolve("user.der"), phone.credentials().getFirst().certificate().getEncoded());
        java.util.List<Path> notRoots = java.util.List.of(dir.resolve("missing.pem"), Files.writeString(dir.resolve("garbage.pem"), "not a certificate"),
                userCertificate);
        for (int i = 0; i < notRoots.size(); i++) {
            Path notARoot = notRoots.get(i);
            String id = "kiosk-1" + i;
            assertRefused(NodeConfig.INVALID, () -> S1Bank.merchant(bank, dir, clock, id, "Kiosk", toBank.uri(),
                    Map.of("escudo.s1.root", notARoot.toString())).close());
        }
    }

    /** Without a configured root the kiosk keeps the bank's answer at its first use: the same address answering with another root later changes nothing. */
    @Test
    void withoutAConfiguredRootTheKioskPinsTheRootItWasGivenAtFirstUse() throws Exception {
        KioskChallenge first = pick("water", "2.00 EUR");
        present(first.challengeId(), phone.sign(certificate, first, PIN));
        Resources.closeAll(screen, visitor, kiosk);
        try (RestartableParty otherBank = S1Bank.start(dir.resolve("other-bank"), clock)) {
            S1Bank.openCustomers(otherBank, true);
            S1Bank.Enrolled there = S1Bank.phone(otherBank, dir.resolve("phone-there"), clock, "alice", PHONE, PIN);
            // the kiosk's bank address now answers for another CA, one that certified a phone of its own
            kiosk = S1Bank.merchant(otherBank, dir, clock, KIOSK, "Station kiosk", otherBank.uri(), Map.of());
            screen = new PartyClient(kiosk.uri(), kiosk.operatorToken());
            visitor = new PartyClient(kiosk.uri());
            KioskChallenge next = pick("water", "2.00 EUR");
            assertRefused(CertificateException.UNTRUSTED, () -> present(next.challengeId(), there.phone().sign(there.serial(), next, PIN)));
        }
    }

    private Path rootFile(RestartableParty of, String name) throws java.io.IOException {
        try (PartyClient anyone = new PartyClient(of.uri())) {
            byte[] der = anyone.get("/issuer/ca/root", byte[].class);
            return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(der)
                    + "\n-----END CERTIFICATE-----\n");
        }
    }

    private static KioskChallenge pick(PartyClient screen, String item, String amount) {
        return screen.post("/merchant/s1/kiosk/challenges", new KioskApi.Pick(item, Money.parse(amount)), KioskApi.Challenge.class).challenge();
    }

    private static KioskApi.Dispensed present(PartyClient visitor, String challengeId, byte[] signed) {
        return visitor.post("/merchant/s1/kiosk/challenges/" + challengeId + "/presentation", new KioskApi.Presentation(Bytes.of(signed)),
                KioskApi.Dispensed.class);
    }

    private KioskChallenge pick(String item, String amount) {
        return pick(screen, item, amount);
    }

    private KioskChallenge read(String challengeId) {
        return visitor.get("/merchant/s1/kiosk/challenges/" + challengeId, KioskApi.Challenge.class).challenge();
    }

    private KioskApi.Dispensed present(String challengeId, byte[] signed) {
        return present(visitor, challengeId, signed);
    }

    private void assertBalances(String alice, String merchant) {
        assertEquals(Money.parse(alice), bank.desk().get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertEquals(Money.parse(merchant), bank.desk().get("/issuer/merchants/" + KIOSK, BankApi.Balance.class).balance());
    }
}
