package escudo.s2.server.issuer;

import escudo.core.Money;
import java.time.Instant;

/**
 * An approved and captured S2 order as the bank's desk sees it: who paid whom, how much, under
 * which authorisation, and the bundle's digest. The card shows as {@code **** 1234}.
 */
public record CardPayment(String authorisationId, String orderId, String holderId, String sellerId, Money amount,
                          String card, String digest, Instant authorisedAt) {
}
