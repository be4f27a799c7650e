package escudo.s2.server.issuer;

import escudo.s2.api.PaymentCard;
import escudo.bank.BankException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException;
import escudo.bank.CardNumbers;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentCardsTest {

    @Test
    void aNewCardIsSixteenLuhnDigitsValidThroughTheMonthThreeYearsAhead() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            PaymentCard card = m.aliceCard;
            assertTrue(card.cardNumber().matches("4999\\d{12}"), "prefix and length");
            assertTrue(CardNumbers.isValid(card.cardNumber()));
            assertEquals("03/29", card.expiry()); // the clock says 2026-03-15
            assertEquals("Alice Example", card.holderName());
            assertEquals(Market.ALICE, card.customerId());
            assertFalse(card.blocked());
            assertEquals(card, m.cards.find(card.cardNumber()).orElseThrow());
            m.clock.advance(java.time.Duration.ofDays(40));
            PaymentCard second = m.cards.issue(Market.ALICE);
            assertEquals("04/29", second.expiry());
            assertNotEquals(card.cardNumber(), second.cardNumber());
            assertEquals(List.of(card, second), m.cards.ofCustomer(Market.ALICE));
            assertEquals(List.of(m.bobCard), m.cards.ofCustomer(Market.BOB));
        }
    }

    @Test
    void aCardShowsOnlyItsLastFourDigits() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            String number = m.aliceCard.cardNumber();
            String shown = m.aliceCard.toString();
            assertFalse(shown.contains(number));
            assertFalse(shown.contains(number.substring(0, 12)));
            assertTrue(shown.contains("**** " + number.substring(12)), shown);
            assertEquals("**** " + number.substring(12), m.aliceCard.masked());
        }
    }

    @Test
    void onlyCustomersGetCards() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            long before = m.count("issuer_payment_card");
            assertEquals(BankException.UNKNOWN_CUSTOMER, assertThrows(EscudoException.class, () -> m.cards.issue("nobody")).code());
            assertEquals(BankException.UNKNOWN_CUSTOMER, assertThrows(EscudoException.class, () -> m.cards.ofCustomer("nobody")).code());
            assertEquals(before, m.count("issuer_payment_card"));
        }
    }

    @Test
    void aBlockedCardStaysBlocked() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            m.cards.block(m.aliceCard.cardNumber());
            assertTrue(m.cards.find(m.aliceCard.cardNumber()).orElseThrow().blocked());
            m.cards.block(m.aliceCard.cardNumber());
            assertTrue(m.cards.find(m.aliceCard.cardNumber()).orElseThrow().blocked());
            assertFalse(m.cards.find(m.bobCard.cardNumber()).orElseThrow().blocked());

            String unknown = CardNumbers.next(new java.security.SecureRandom(), PaymentCards.PREFIX);
            EscudoException e = assertThrows(EscudoException.class, () -> m.cards.block(unknown));
            assertEquals(BankException.UNKNOWN_CARD, e.code());
            assertEquals(EscudoException.Kind.NOT_FOUND, e.kind());
            assertFalse(e.getMessage().contains(unknown), "no card number in an error");
            assertTrue(m.cards.find(unknown).isEmpty());
        }
    }

    @Test
    void aCardIsValidThroughTheLastSecondOfItsMonth() {
        assertFalse(PaymentCards.expired("02/28", Instant.parse("2028-02-29T23:59:59Z")));
        assertTrue(PaymentCards.expired("02/28", Instant.parse("2028-03-01T00:00:00Z")));
        assertFalse(PaymentCards.expired("12/29", Instant.parse("2029-12-31T23:59:59Z")));
        assertTrue(PaymentCards.expired("12/29", Instant.parse("2030-01-01T00:00:00Z")));
        // Whatever does not read as MM/YY is no expiry at all.
        assertTrue(PaymentCards.expired("13/29", Instant.parse("2026-01-01T00:00:00Z")));
        assertTrue(PaymentCards.expired("1/29", Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void theLuhnCheckCatchesEverySingleDigitError() {
        assertTrue(CardNumbers.isValid("4111111111111111"));
        assertFalse(CardNumbers.isValid("4111111111111112"));
        assertFalse(CardNumbers.isValid("411111111111111"));
        assertFalse(CardNumbers.isValid("41111111111111111"));
        assertFalse(CardNumbers.isValid("411111111111111a"));
        assertFalse(CardNumbers.isValid(null));
        String number = CardNumbers.next(new java.security.SecureRandom(), PaymentCards.PREFIX);
        for (int i = 0; i < 16; i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d != number.charAt(i)) {
                    String typo = number.substring(0, i) + d + number.substring(i + 1);
                    assertFalse(CardNumbers.isValid(typo), typo);
                }
            }
        }
    }
}
