package escudo.s1.api;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.s1.protocol.KioskChallenge;
import java.time.Instant;
import java.util.List;

/** The JSON bodies of Flow C (seed 001, Fig. 7): the kiosk's and the bank's collection (docs/api.md, S1). */
public final class KioskApi {

    private KioskApi() {
    }

    /** {@code POST /merchant/s1/kiosk/challenges}: the kiosk's screen, after the user picked an item. */
    public record Pick(String item, Money amount) {
    }

    /** {@code POST /merchant/s1/kiosk/challenges/{id}/presentation}: the phone's signature over the challenge. */
    public record Presentation(Bytes signed) {
    }

    /** What the kiosk did: dispensed the item, and whether it asked the CA online or relied on its cached answer under the floor. */
    public record Dispensed(String challengeId, String item, Money amount, String standing) {
    }

    /** {@code POST /issuer/s1/kiosk/collections}: the signed challenges the kiosk's merchant collects. */
    public record Collect(List<Bytes> signed) {
    }

    /** The bank's answer, one outcome per signed challenge, in order. */
    public record Collected(List<Outcome> outcomes) {
    }

    /** What the bank paid for one signed challenge, or the code it refused it with (then {@code paid} is null). */
    public record Outcome(Money paid, String refusal) {
    }

    /** {@code GET /merchant/s1/kiosk/challenges/{id}}: the challenge as the phone reads it off the kiosk. */
    public record Challenge(KioskChallenge challenge) {
    }

    /** {@code POST /merchant/s1/kiosk/collections}: the kiosk's desk sends what waits to the bank. */
    public record Send() {
    }

    /**
     * {@code POST /merchant/s1/kiosk/collections}'s answer at the kiosk's desk: how many were sent, the total paid (null when
     * nothing was) and how many the bank refused (each kept with its code, and not sent again).
     */
    public record Collection(int sent, Money total, int refused, Instant at) {
    }
}
