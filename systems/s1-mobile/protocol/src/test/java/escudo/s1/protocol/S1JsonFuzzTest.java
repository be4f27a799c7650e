package escudo.s1.protocol;

import static escudo.testing.WireTypes.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.http.Json;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.CaApi;
import escudo.s1.api.KioskApi;
import escudo.testing.WireTypes;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the JSON mapping of S1's wire bodies, the desk's, the page's, the
 * phone's and the kiosk's. For any body the record is read or refused with a typed exception, and it writes
 * and reads back as itself. What the bodies carry in bytes (a certificate, a CMS approval, a
 * proof's signature) is fuzzed where it is checked (S1BytesFuzzTest).
 */
class S1JsonFuzzTest {

    private static final Instant NOW = Instant.parse("2030-03-14T09:26:53.589Z");
    private static final Bytes SOME = Bytes.of(new byte[] {0x30, 0x03, 0x02, 0x01, 0x07});

    private static final WireTypes WIRES = new WireTypes(Json::read, Json::write, List.of(
            wire(CaApi.Enrol.class, new CaApi.Enrol("alice", "+46701234567")),
            wire(CaApi.Reference.class, new CaApi.Reference("123456789012", "ABCDEFGHJKMNPQRS", NOW)),
            wire(CaApi.Revoke.class, new CaApi.Revoke(RevocationReason.KEY_COMPROMISE)),
            wire(CaApi.Certificates.class, new CaApi.Certificates(List.of(new CaApi.CertificateView("f00d", "alice", "+46701234567", NOW,
                    NOW.plusSeconds(86_400), NOW, null, null)))),
            wire(ApprovalApi.StartTransfer.class, new ApprovalApi.StartTransfer("alice", "+46701234567", "bob", Money.parse("25.00 EUR"), "rent")),
            wire(ApprovalApi.StartPurchase.class, new ApprovalApi.StartPurchase("alice", "+46701234567", "kiosk-1", Money.parse("2.00 EUR"), "a ticket")),
            wire(ApprovalApi.Started.class, new ApprovalApi.Started("apv-1", "00ff", NOW)),
            wire(ApprovalApi.Collect.class, new ApprovalApi.Collect("00ff")),
            wire(ApprovalApi.Status.class, new ApprovalApi.Status("apv-1", ApprovalStatus.DELIVERED, ApprovalStatus.DELIVERED.hint(), NOW)),
            wire(ApprovalApi.Pending.class, new ApprovalApi.Pending(List.of(SOME))),
            wire(ApprovalApi.Signature.class, new ApprovalApi.Signature(SOME)),
            wire(PhoneProof.class, new PhoneProof(SOME, PhoneProof.PENDING, NOW, SOME)),
            wire(KioskApi.Pick.class, new KioskApi.Pick("a day ticket", Money.parse("4.00 EUR"))),
            wire(KioskApi.Challenge.class, new KioskApi.Challenge(new KioskChallenge("kch-1", "kiosk-1", "Station kiosk", "a day ticket",
                    Money.parse("4.00 EUR"), NOW, NOW.plusSeconds(120)))),
            wire(KioskApi.Presentation.class, new KioskApi.Presentation(SOME)),
            wire(KioskApi.Dispensed.class, new KioskApi.Dispensed("kch-1", "a day ticket", Money.parse("4.00 EUR"), "online")),
            wire(KioskApi.Collect.class, new KioskApi.Collect(List.of(SOME))),
            wire(KioskApi.Collected.class, new KioskApi.Collected(List.of(new KioskApi.Outcome(Money.parse("4.00 EUR"), null),
                    new KioskApi.Outcome(null, "s1.certificate-revoked")))),
            wire(KioskApi.Send.class, new KioskApi.Send()),
            wire(KioskApi.Collection.class, new KioskApi.Collection(2, Money.parse("4.00 EUR"), 1, NOW))));

    static Stream<byte[]> bodies() {
        return WIRES.seeds();
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void readsOrRefusesEveryBodyAndReadsBackWhatItWrites(byte[] input) {
        WIRES.readOrRefuse(input);
    }
}
