package escudo.s3.api;

import escudo.core.Money;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import java.time.Instant;

/** The bank's view of one card (seed 003, Fig. 5): its certificate, balance, seq# and standing. */
public record CardAccount(String cardNumber, String customerId, CardKind kind, CardCertificate certificate,
        Money balance, long lastSequence, Instant blacklistedAt, String blacklistReason) {

    public boolean blacklisted() {
        return blacklistedAt != null;
    }
}
