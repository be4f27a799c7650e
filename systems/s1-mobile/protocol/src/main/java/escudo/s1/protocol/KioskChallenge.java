package escudo.s1.protocol;

import escudo.core.Money;
import escudo.core.Text;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Seed 001, Fig. 7 (S500-S530): the fresh challenge an unattended kiosk shows once the user picked
 * an item, bound to the item, the price, the kiosk's merchant and the time. The phone signs it as
 * the {@link ApprovalRequest} of a purchase, with itself as the user: the same bytes, the same CMS,
 * as Flow A, so one verifier serves both, and the signature authorises exactly that amount to that
 * merchant for that item, once.
 */
public record KioskChallenge(String challengeId, String merchantId, String merchantName, String item, Money amount, Instant issuedAt,
                             Instant expiresAt) {

    public KioskChallenge {
        Text.requireId("challengeId", challengeId);
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
        new Transaction.Purchase(merchantId, merchantName, amount, item); // the same rules as a purchase's
    }

    /** What the phone signs for {@code user}, the holder its certificate names. */
    public ApprovalRequest request(UserIdentity user) {
        return new ApprovalRequest(challengeId, merchantId, user, new Transaction.Purchase(merchantId, merchantName, amount, item), issuedAt, expiresAt);
    }
}
