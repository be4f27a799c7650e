package escudo.s3.card;

import escudo.s3.protocol.CardKind;
import java.time.Instant;

/**
 * What the card shows its holder (seed 003, Fig. 6, without the secrets). Before personalisation
 * {@code cardNumber}, {@code kind}, {@code currency} and {@code validUntil} are null and the
 * counters are zero.
 *
 * @param balance       minor units of {@code currency} (CASH: prepaid value, CREDIT: available
 *                      credit) or, for a CHEQUE card, the number of cheques left
 * @param nextSerial    the ser# the next PAYMENT-CERT will carry
 * @param nextSequence  the seq# the next withdrawal request will carry
 * @param pinTriesLeft  wrong PINs the card still accepts before it locks
 */
public record CardStatus(
        String cardNumber,
        CardKind kind,
        String currency,
        long balance,
        long nextSerial,
        long nextSequence,
        int pinTriesLeft,
        boolean locked,
        boolean personalised,
        Instant validUntil) {
}
