package escudo.s2.server.issuer;

import escudo.bank.BankException;
import static escudo.s2.server.issuer.Market.ALICE;
import static escudo.s2.server.issuer.Market.BANK;
import static escudo.s2.server.issuer.Market.BOB;
import static escudo.s2.server.issuer.Market.CONTACT;
import static escudo.s2.server.issuer.Market.DESTINATION;
import static escudo.s2.server.issuer.Market.OTHER_SHOP;
import static escudo.s2.server.issuer.Market.PRICE;
import static escudo.s2.server.issuer.Market.SHOP;
import static escudo.s2.server.issuer.Market.USD_SHOP;
import static escudo.s2.server.issuer.Market.request;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.bank.CardNumbers;
import escudo.ledger.AccountKind;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.Authorisation;
import escudo.s2.protocol.OrderMessage.AuthorisationRequest;
import escudo.s2.protocol.OrderMessage.Capture;
import escudo.s2.protocol.OrderMessage.CaptureRequest;
import escudo.s2.protocol.OrderMessage.Release;
import escudo.s2.protocol.OrderMessage.ReleaseRequest;
import escudo.s2.protocol.OrderMessage.Decision;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.s2.protocol.SplitOrder.SealedPart;
import escudo.storage.Database;
import escudo.testing.TestDatabase;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Seed 002, Fig. 1 from the card manager's chair: open the bank's part, check card and holder, pay. */
class CardAuthoriserTest {

    /** The refusal (an exception: the bundle does not decode) changed nothing: same balances, no transfer, no row. */
    static void refusedAndNothingMoved(Market m, ErrorCode code, Executable action) {
        Market.Books before = m.books();
        assertRefused(code, action);
        assertEquals(before, m.books());
        m.assertBooksBalance();
    }

    /**
     * {@code seller}'s request is a DECLINED answer with {@code reason}, about the bundle it sent,
     * that moved no money and recorded nothing: not the holder's order for this seller, or a replay.
     */
    static Authorisation declinedUnrecorded(Market m, String seller, Sealed bundle, Money asked, ErrorCode reason) {
        Market.Books before = m.books();
        Money heldBefore = m.currentAccount(ALICE).pendingDebits();
        Authorisation answer = m.authoriser.authorise(seller, request(bundle, asked));
        assertEquals(Decision.DECLINED, answer.decision());
        assertEquals(reason.value(), answer.reason());
        assertFalse(answer.detail().isEmpty());
        assertNull(answer.amount());
        assertNull(answer.authorisationId());
        assertEquals(bundle.orderId(), answer.orderId());
        assertEquals(bundle.holderId(), answer.holderId());
        assertEquals(bundle.digest(), answer.digest());
        assertEquals(before, m.books());
        m.assertBooksBalance();
        return answer;
    }

    static Authorisation declinedUnrecorded(Market m, String seller, Sealed bundle, ErrorCode reason) {
        return declinedUnrecorded(m, seller, bundle, PRICE, reason);
    }

    // ---- the approved order ----

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void anApprovalHoldsExactlyTheAmountOnTheHoldersAccountForTheSeller(Market.Mode mode) {
        try (Market m = new Market(mode)) {
            Sealed bundle = m.offerOrder("order-1");
            Market.Books before = m.books();

            Authorisation answer = m.authoriser.authorise(SHOP, request(bundle));

            assertEquals(Decision.APPROVED, answer.decision());
            assertEquals(PRICE, answer.amount());
            assertTrue(answer.authorisationId().matches("AUTH-[A-Z2-7]{12}"), answer.authorisationId());
            assertEquals("order-1", answer.orderId());
            assertEquals(ALICE, answer.holderId());
            assertEquals(bundle.digest(), answer.digest());
            assertNull(answer.reason());
            assertEquals(before.alice().minus(PRICE), m.available(ALICE));
            assertEquals(before.shop().plus(PRICE), m.due(SHOP));
            assertEquals(before.otherShop(), m.due(OTHER_SHOP));
            // Held, not moved: the balances wait for the capture.
            assertEquals(Money.parse("200.00 EUR"), m.issuer.customerBalance(ALICE));
            assertEquals(PRICE, m.currentAccount(ALICE).pendingDebits());
            assertEquals(Money.parse("0.00 EUR"), m.issuer.merchantBalance(SHOP));
            assertEquals(PRICE, m.depositAccount(SHOP).pendingCredits());
            assertEquals(before.transfers() + 1, m.count("ledger_transfers"), "one hold");
            assertEquals(1, m.count("ledger_transfers WHERE state = 'PENDING'"));
            m.assertBooksBalance();

            List<CardPayment> desk = m.authoriser.authorisations();
            assertEquals(1, desk.size());
            CardPayment payment = desk.getFirst();
            assertEquals(new CardPayment(answer.authorisationId(), "order-1", ALICE, SHOP, PRICE,
                    "**** " + m.aliceCard.cardNumber().substring(12), bundle.digest().hex(),
                    m.clock.instant()), payment);
            assertFalse(payment.toString().contains(m.aliceCard.cardNumber()));
        }
    }

    @Test
    void theBankKeepsNeitherTheBundleNorAnotherPartysFields() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            m.authoriser.authorise(SHOP, request(m.offerOrder("order-1")));
            String everything = TestDatabase.dump(m.db);
            assertFalse(everything.contains(DESTINATION), "the destination is the courier's alone");
            assertFalse(everything.contains(CONTACT), "the bank has no use for the contact");
            assertFalse(everything.contains("book-978"), "the items are the seller's");
        }
    }

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void theSameRequestAgainGetsTheSameAuthorisationAndMovesNothing(Market.Mode mode) {
        try (Market m = new Market(mode)) {
            Sealed bundle = m.offerOrder("order-1");
            Authorisation first = m.authoriser.authorise(SHOP, request(bundle));
            Market.Books after = m.books();

            Authorisation again = m.authoriser.authorise(SHOP, request(bundle));

            assertEquals(first.authorisationId(), again.authorisationId());
            assertEquals(Decision.APPROVED, again.decision());
            assertEquals(PRICE, again.amount());
            assertEquals(first.digest(), again.digest());
            assertEquals(after, m.books());
            // Even once the card is blocked: the order was paid before, the answer stands.
            m.cards.block(m.aliceCard.cardNumber());
            assertEquals(first.authorisationId(), m.authoriser.authorise(SHOP, request(bundle)).authorisationId());
            assertEquals(after, m.books());
        }
    }

    @Test
    void anotherBundleUnderAPaidOrderIdIsAReplay() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            m.authoriser.authorise(SHOP, request(m.order("order-1", Map.of())));
            // Sealed again (fresh salts, so another digest), or for another amount, or at another shop:
            // declined, and the approval stands (a replay records no decline).
            declinedUnrecorded(m, SHOP, m.order("order-1", Map.of()), OrderException.REPLAYED);
            Money less = Money.parse("9.99 EUR");
            declinedUnrecorded(m, SHOP, m.order("order-1", Map.of(SplitOrder.AMOUNT, less.toString())), less, OrderException.REPLAYED);
            Sealed elsewhere = m.order(m.keys(ALICE), "order-1", OTHER_SHOP, Market.issuerFields(m.aliceCard, Map.of()));
            declinedUnrecorded(m, OTHER_SHOP, elsewhere, OrderException.REPLAYED);
            assertEquals(0, m.count("issuer_s2_decline"));
            // Another holder's order with the same id is another order.
            Sealed bobs = m.order(m.keys(BOB), "order-1", SHOP, Market.issuerFields(m.bobCard, Map.of()));
            assertEquals(Decision.APPROVED, m.authoriser.authorise(SHOP, request(bobs)).decision());
            assertEquals(2, m.count("issuer_s2_authorisation"));
            m.assertBooksBalance();
        }
    }

    // ---- declines: an answer, not an error; no money moves, and the decline is recorded for good ----

    static Stream<Arguments> declines() {
        String unissued = CardNumbers.next(new SecureRandom(), PaymentCards.PREFIX);
        return Stream.of(
                Arguments.of("card number too short", Map.of(SplitOrder.CARD_NUMBER, "4999123456789"), OrderException.CARD_DECLINED, "16 digits"),
                Arguments.of("card number fails Luhn", Map.of(SplitOrder.CARD_NUMBER, "LUHN"), OrderException.CARD_DECLINED, "check digit"),
                Arguments.of("no card number", mapWithNull(SplitOrder.CARD_NUMBER), OrderException.CARD_DECLINED, "16 digits"),
                Arguments.of("unknown card", Map.of(SplitOrder.CARD_NUMBER, unissued), OrderException.CARD_DECLINED, "unknown"),
                Arguments.of("Bob's card", Map.of(SplitOrder.CARD_NUMBER, "BOB"), OrderException.CARD_DECLINED, "not the holder's"),
                Arguments.of("wrong expiry", Map.of(SplitOrder.EXPIRY, "01/20"), OrderException.CARD_DECLINED, "expiry"),
                Arguments.of("no expiry", mapWithNull(SplitOrder.EXPIRY), OrderException.CARD_DECLINED, "expiry"),
                Arguments.of("instalments", Map.of(SplitOrder.PAYMENT_TYPE, "instalments"), OrderException.CARD_DECLINED, "in full"),
                Arguments.of("no payment type", mapWithNull(SplitOrder.PAYMENT_TYPE), OrderException.CARD_DECLINED, "in full"),
                Arguments.of("holder told the bank less", Map.of(SplitOrder.AMOUNT, "9.99 EUR"), OrderException.AMOUNT_MISMATCH, "differs from the seller's"),
                Arguments.of("holder told the bank another currency", Map.of(SplitOrder.AMOUNT, "49.99 USD"), OrderException.AMOUNT_MISMATCH, "differs from the seller's"),
                Arguments.of("no amount", mapWithNull(SplitOrder.AMOUNT), OrderException.AMOUNT_MISMATCH, "readable"));
    }

    private static Map<String, String> mapWithNull(String field) {
        Map<String, String> map = new HashMap<>();
        map.put(field, null);
        return map;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declines")
    void aDeclineNamesTheReasonMovesNoMoneyAndIsRecorded(String why, Map<String, String> changes, ErrorCode reason, String detail) {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Map<String, String> fields = new HashMap<>(changes);
            if ("LUHN".equals(fields.get(SplitOrder.CARD_NUMBER))) {
                String good = m.aliceCard.cardNumber();
                fields.put(SplitOrder.CARD_NUMBER, good.substring(0, 15) + (char) ('0' + (good.charAt(15) - '0' + 1) % 10));
            }
            if ("BOB".equals(fields.get(SplitOrder.CARD_NUMBER))) {
                fields.put(SplitOrder.CARD_NUMBER, m.bobCard.cardNumber());
                fields.put(SplitOrder.EXPIRY, m.bobCard.expiry());
            }
            assertDeclined(m, m.order("order-1", fields), PRICE, reason, detail);
        }
    }

    @Test
    void aBlockedCardIsDeclined() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            m.cards.block(m.aliceCard.cardNumber());
            assertDeclined(m, m.order("order-1", Map.of()), PRICE, OrderException.CARD_DECLINED, "blocked");
        }
    }

    @Test
    void anExpiredCardIsDeclinedFromTheFirstDayAfterItsMonth() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            // Issued 2026-03-15: "03/29", valid through 2029-03-31T23:59:59Z.
            assertEquals("03/29", m.aliceCard.expiry());
            m.clock.set(Instant.parse("2029-03-31T23:59:59Z"));
            assertEquals(Decision.APPROVED, m.authoriser.authorise(SHOP, request(m.order("order-1", Map.of()))).decision());
            m.clock.set(Instant.parse("2029-04-01T00:00:00Z"));
            assertDeclined(m, m.order("order-2", Map.of()), PRICE, OrderException.CARD_DECLINED, "expired");
        }
    }

    @Test
    void aCardOfAnotherHolderIsDeclinedEvenWithItsRightExpiry() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            // Bob seals Alice's card details: the holder check is the card's customer against the sealing holder.
            Sealed bobUsesAlicesCard = m.order(m.keys(BOB), "order-1", SHOP, Market.issuerFields(m.aliceCard, Map.of()));
            assertDeclined(m, bobUsesAlicesCard, PRICE, OrderException.CARD_DECLINED, "not the holder's");
        }
    }

    @Test
    void theSellerMustAskWhatTheHolderToldTheBank() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            assertDeclined(m, m.order("order-1", Map.of()), Money.parse("99.99 EUR"), OrderException.AMOUNT_MISMATCH, "differs from the seller's");
        }
    }

    @Test
    void theAmountMustBeInTheSellersAndTheHoldersCurrency() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Money dollars = Money.parse("49.99 USD");
            Sealed inDollars = m.order("order-1", Map.of(SplitOrder.AMOUNT, dollars.toString()));
            assertDeclined(m, inDollars, dollars, OrderException.AMOUNT_MISMATCH, "not the merchant's");
            Sealed atDollarShop = m.order(m.keys(ALICE), "order-2", USD_SHOP,
                    Market.issuerFields(m.aliceCard, Map.of(SplitOrder.AMOUNT, dollars.toString())));
            assertDeclined(m, atDollarShop, dollars, OrderException.AMOUNT_MISMATCH, "not the card account's", USD_SHOP);
        }
    }

    @Test
    void aZeroAmountIsDeclined() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Money zero = Money.parse("0.00 EUR");
            assertDeclined(m, m.order("order-1", Map.of(SplitOrder.AMOUNT, zero.toString())), zero, OrderException.AMOUNT_MISMATCH, "positive");
        }
    }

    @Test
    void aDeclineIsFinalEvenOnceTheHolderCanPay() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Money tooMuch = Money.parse("200.01 EUR");
            Sealed order = m.order("order-1", Map.of(SplitOrder.AMOUNT, tooMuch.toString()));
            Authorisation first = assertDeclined(m, order, tooMuch, OrderException.INSUFFICIENT_FUNDS, "cannot pay");
            assertEquals(List.of(SHOP, order.digest().hex(), OrderException.INSUFFICIENT_FUNDS.value(),
                    first.detail()), m.decline(ALICE, "order-1").orElseThrow());

            // The holder tops up: the same bundle, months later, is still declined, for the same reason.
            m.topUpAlice(Money.parse("100.00 EUR"));
            m.clock.advance(Duration.ofDays(90));
            Market.Books before = m.books();
            Authorisation again = m.authoriser.authorise(SHOP, request(order, tooMuch));
            assertEquals(Decision.DECLINED, again.decision());
            assertEquals(first.reason(), again.reason());
            assertEquals(first.detail(), again.detail());
            assertEquals(order.digest(), again.digest());
            assertNull(again.authorisationId());
            // The holder sealed the order again: still the recorded decline, about the bundle the seller sent.
            Sealed resealed = m.order("order-1", Map.of(SplitOrder.AMOUNT, tooMuch.toString()));
            Authorisation resent = m.authoriser.authorise(SHOP, request(resealed, tooMuch));
            assertEquals(Decision.DECLINED, resent.decision());
            assertEquals(OrderException.INSUFFICIENT_FUNDS.value(), resent.reason());
            assertEquals(resealed.digest(), resent.digest());
            // Another seller is told it is a replay, not why the order was declined.
            Sealed elsewhere = m.order(m.keys(ALICE), "order-1", OTHER_SHOP,
                    Market.issuerFields(m.aliceCard, Map.of(SplitOrder.AMOUNT, tooMuch.toString())));
            assertEquals(OrderException.REPLAYED.value(), m.authoriser.authorise(OTHER_SHOP, request(elsewhere, tooMuch)).reason());
            assertEquals(before, m.books(), "no money moved, no second record");
            assertEquals(1, m.count("issuer_s2_decline"));
            assertEquals(0, m.count("issuer_s2_authorisation"));

            // A new order is a new order.
            Authorisation paid = m.authoriser.authorise(SHOP, request(m.order("order-2", Map.of(SplitOrder.AMOUNT, tooMuch.toString())), tooMuch));
            assertEquals(Decision.APPROVED, paid.decision());
            assertEquals(Money.parse("99.99 EUR"), m.available(ALICE));
            m.assertBooksBalance();
        }
    }

    @Test
    void aDeclineDetailNamesNoAmountAndNoCurrency() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Money dollars = Money.parse("12.34 USD");
            List<Authorisation> answers = List.of(
                    m.authoriser.authorise(SHOP, request(m.order("order-1", Map.of(SplitOrder.AMOUNT, "200.01 EUR")), Money.parse("200.01 EUR"))),
                    m.authoriser.authorise(SHOP, request(m.order("order-2", Map.of()), Money.parse("12.34 EUR"))),
                    m.authoriser.authorise(SHOP, request(m.order("order-3", Map.of(SplitOrder.AMOUNT, dollars.toString())), dollars)),
                    m.authoriser.authorise(USD_SHOP, request(m.order(m.keys(ALICE), "order-4", USD_SHOP,
                            Market.issuerFields(m.aliceCard, Map.of(SplitOrder.AMOUNT, dollars.toString()))), dollars)));
            for (Authorisation answer : answers) {
                assertEquals(Decision.DECLINED, answer.decision());
                for (String secret : List.of("200.01", "49.99", "12.34", "EUR", "USD")) {
                    assertFalse(answer.detail().contains(secret), answer.detail());
                }
            }
            assertFalse(TestDatabase.dump(m.db).lines().filter(l -> l.startsWith("ISSUER_S2_DECLINE") || l.startsWith("issuer_s2_decline"))
                    .anyMatch(l -> l.contains("200.01") || l.contains("12.34")));
        }
    }

    static Authorisation assertDeclined(Market m, Sealed bundle, Money asked, ErrorCode reason, String detail) {
        return assertDeclined(m, bundle, asked, reason, detail, SHOP);
    }

    /** The holder's own order from its seller, declined: no money moved, one decline recorded, and asking again gets it again. */
    static Authorisation assertDeclined(Market m, Sealed bundle, Money asked, ErrorCode reason, String detail, String seller) {
        Market.Books before = m.books();
        Money heldBefore = m.currentAccount(ALICE).pendingDebits();
        Authorisation answer = m.authoriser.authorise(seller, request(bundle, asked));
        assertEquals(Decision.DECLINED, answer.decision());
        assertEquals(reason.value(), answer.reason());
        assertTrue(answer.detail().contains(detail), answer.detail());
        assertFalse(answer.detail().contains(m.aliceCard.cardNumber()) || answer.detail().contains(m.bobCard.cardNumber()));
        assertNull(answer.amount());
        assertNull(answer.authorisationId());
        assertEquals(bundle.orderId(), answer.orderId());
        assertEquals(bundle.holderId(), answer.holderId());
        assertEquals(bundle.digest(), answer.digest());
        assertEquals(before.plusDecline(), m.books());
        assertEquals(before.alice(), m.available(ALICE));
        assertEquals(heldBefore, m.currentAccount(ALICE).pendingDebits(), "a decline holds nothing");
        assertEquals(List.of(seller, bundle.digest().hex(), reason.value(), answer.detail()),
                m.decline(bundle.holderId(), bundle.orderId()).orElseThrow());
        Authorisation again = m.authoriser.authorise(seller, request(bundle, asked));
        assertEquals(List.of(Decision.DECLINED, reason.value(), answer.detail()), List.of(again.decision(), again.reason(), again.detail()));
        assertEquals(before.plusDecline(), m.books());
        m.assertBooksBalance();
        return answer;
    }

    // ---- refusals of a bundle that decodes: sealed DECLINED answers too ----

    @Test
    void aSellerCannotCashAnotherSellersOrderNorBlockIt() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Sealed bundle = m.offerOrder("order-1");
            declinedUnrecorded(m, OTHER_SHOP, bundle, OrderException.BINDING_MISMATCH);
            // Only the seller's part counts: the courier named in the order is no seller.
            declinedUnrecorded(m, Market.COURIER, bundle, OrderException.BINDING_MISMATCH);
            // Those declines were not the seller's to record: the order is still the seller's to be paid.
            assertEquals(Decision.APPROVED, m.authoriser.authorise(SHOP, request(bundle)).decision());
            assertEquals(0, m.count("issuer_s2_decline"));
        }
    }

    @Test
    void theSellerMustHaveADepositAccountHere() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            m.enrol("stranger-shop");
            Sealed bundle = m.order(m.keys(ALICE), "order-1", "stranger-shop", Market.issuerFields(m.aliceCard, Map.of()));
            // The holder's own order for that seller: declined for good, even once it opens an account.
            Authorisation answer = assertDeclined(m, bundle, PRICE, BankException.UNKNOWN_MERCHANT, "stranger-shop", "stranger-shop");
            m.issuer.openMerchant("stranger-shop", "Now a merchant", "EUR", escudo.crypto.SigningKey.generate().verifyingKey());
            Market.Books before = m.books();
            assertEquals(answer.reason(), m.authoriser.authorise("stranger-shop", request(bundle)).reason());
            assertEquals(before, m.books());
        }
    }

    @Test
    void aBundleWithoutAPartForTheBankIsDeclined() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            declinedUnrecorded(m, SHOP, m.order(m.keys(ALICE), "order-1", SHOP, null), OrderException.WRONG_RECIPIENT);
            // The bank addressed, but as the courier: no card data for the card manager, and a part
            // that is not the issuer's is not the bank's to open, so nothing tells it the holder sealed it.
            Sealed misaddressed = SplitOrder.seal(SplitOrder.Form.standard(), "order-2", m.keys(ALICE), List.of(
                    Part.of(Role.SELLER, SHOP, Map.of(SplitOrder.AMOUNT, PRICE.toString())),
                    Part.of(Role.COURIER, BANK, Map.of(SplitOrder.CONTACT, CONTACT))));
            assertTrue(declinedUnrecorded(m, SHOP, misaddressed, OrderException.WRONG_RECIPIENT).detail().contains("no ISSUER part"));
        }
    }

    @Test
    void anIssuerPartWhoseFieldsDoNotReadIsDeclinedAsMalformed() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            // The protocol reads the part (SplitOrder.open): a card number that is not digits, an
            // amount that is no amount, a field the issuer's part does not have. The bank reads nothing of it.
            for (Map<String, String> bad : List.of(Map.of(SplitOrder.CARD_NUMBER, "4999-1234-5678-90"),
                    Map.of(SplitOrder.AMOUNT, "a lot"), Map.of(SplitOrder.EXPIRY, "2030-12"))) {
                Authorisation answer = declinedUnrecorded(m, SHOP, m.order("order-1", bad), OrderException.MALFORMED);
                assertFalse(answer.detail().contains("4999") || answer.detail().contains("a lot"), answer.detail());
            }
            // Once well formed, the same order id is still the holder's to pay.
            assertEquals(Decision.APPROVED, m.authoriser.authorise(SHOP, request(m.order("order-1", Map.of()))).decision());
        }
    }

    @Test
    void aMalformedBundleIsRefused() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            refusedAndNothingMoved(m, OrderException.MALFORMED,
                    () -> m.authoriser.authorise(SHOP, new AuthorisationRequest(Bytes.of(new byte[] {1, 2, 3}), PRICE)));
            byte[] encoded = m.offerOrder("order-1").encode();
            byte[] truncated = java.util.Arrays.copyOf(encoded, encoded.length - 1);
            refusedAndNothingMoved(m, OrderException.MALFORMED, () -> m.authoriser.authorise(SHOP, new AuthorisationRequest(Bytes.of(truncated), PRICE)));
            Sealed longId = m.order("o".repeat(CardAuthoriser.MAX_ORDER_ID + 1), Map.of());
            refusedAndNothingMoved(m, OrderException.MALFORMED, () -> m.authoriser.authorise(SHOP, request(longId)));
        }
    }

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void aTamperedPartIsRefused(Market.Mode mode) {
        try (Market m = new Market(mode)) {
            Sealed bundle = m.offerOrder("order-1");
            List<SealedPart> parts = new ArrayList<>(bundle.parts());
            int i = parts.indexOf(bundle.partFor(BANK));
            SealedPart part = parts.get(i);
            byte[] ciphertext = part.ciphertext().toByteArray();
            ciphertext[ciphertext.length / 2] ^= 1;
            parts.set(i, new SealedPart(part.role(), part.recipient(), part.commitment(), Bytes.of(ciphertext)));
            Sealed tampered = new Sealed(bundle.orderId(), bundle.holderId(), parts, bundle.digest());
            declinedUnrecorded(m, SHOP, tampered, OrderException.PART_TAMPERED);
            // Another holder's name on Alice's parts: the key and the associated data are Bob's.
            Sealed renamed = new Sealed(bundle.orderId(), BOB, bundle.parts(), bundle.digest());
            declinedUnrecorded(m, SHOP, renamed, OrderException.BINDING_MISMATCH);
            // A tampered bundle blocks nothing: the genuine order is still paid.
            assertEquals(Decision.APPROVED, m.authoriser.authorise(SHOP, request(bundle)).decision());
            assertEquals(0, m.count("issuer_s2_decline"));
        }
    }

    @Test
    void aForgedBundleGetsItsOwnAnswerNotTheRecordedDecline() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Sealed order = m.order("order-1", Map.of(SplitOrder.EXPIRY, "01/20"));
            assertDeclined(m, order, PRICE, OrderException.CARD_DECLINED, "expiry");
            // Someone else's bundle under Alice's order id learns nothing of why her order was declined.
            Sealed forged = m.order(m.keys(BOB), "order-1", SHOP, Market.issuerFields(m.bobCard, Map.of()));
            Sealed posing = new Sealed("order-1", ALICE, forged.parts(), forged.digest());
            declinedUnrecorded(m, SHOP, posing, OrderException.BINDING_MISMATCH);
            declinedUnrecorded(m, OTHER_SHOP, order, OrderException.BINDING_MISMATCH);
            assertEquals(OrderException.CARD_DECLINED.value(), m.decline(ALICE, "order-1").orElseThrow().get(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void theBanksPartDoesNotOpenWithOtherKeys(Market.Mode mode) {
        try (Market m = new Market(mode)) {
            PairwiseKeys impostor = mode == Market.Mode.BLOM
                    ? escudo.s2.protocol.BlomAuthority.generate(6, new SecureRandom()).issue(BANK)
                    : DirectoryKeys.generate(BANK, new KeyDirectory(m.directory::find));
            CardAuthoriser wrong = new CardAuthoriser(m.issuer, m.cards, m.db, impostor, m.clock);
            Sealed bundle = m.offerOrder("order-1");
            Market.Books before = m.books();
            Authorisation answer = wrong.authorise(SHOP, request(bundle));
            assertEquals(List.of(Decision.DECLINED, OrderException.PART_TAMPERED.value()), List.of(answer.decision(), answer.reason()));
            assertEquals(before, m.books());
        }
    }

    @Test
    void theCardManagerUsesTheBanksOwnIdentifier() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            assertThrows(IllegalArgumentException.class, () -> new CardAuthoriser(m.issuer, m.cards, m.db, m.keys(SHOP), m.clock));
        }
    }

    @Test
    void aHolderMissingFromTheDirectoryIsUnknown() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            PairwiseKeys eve = m.stranger("eve");
            Sealed bundle = m.order(eve, "order-1", SHOP, Market.issuerFields(m.aliceCard, Map.of()));
            declinedUnrecorded(m, SHOP, bundle, OrderException.UNKNOWN_PARTY);
        }
    }

    @Test
    void aFailureOfTheBankItselfIsAnExceptionAndRecordsNothing() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Database down = TestDatabase.create();
            down.close();
            CardAuthoriser unreachable = new CardAuthoriser(m.issuer, m.cards, down, m.keys(BANK), m.clock);
            Sealed bundle = m.order("order-1", Map.of(SplitOrder.AMOUNT, "200.01 EUR"));
            Market.Books before = m.books();
            EscudoException e = assertThrows(EscudoException.class, () -> unreachable.authorise(SHOP, request(bundle, Money.parse("200.01 EUR"))));
            assertEquals(EscudoException.Kind.INTERNAL, e.kind());
            assertEquals(before, m.books());
            // The seller asks again once the bank is back: the order is decided then, once.
            assertEquals(OrderException.INSUFFICIENT_FUNDS.value(), m.authoriser.authorise(SHOP, request(bundle, Money.parse("200.01 EUR"))).reason());
            assertEquals(before.plusDecline(), m.books());
        }
    }

    // ---- concurrency ----

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void concurrentIdenticalRequestsPayOnce(Market.Mode mode) throws Exception {
        try (Market m = new Market(mode)) {
            Sealed bundle = m.offerOrder("order-1");
            Market.Books before = m.books();
            List<Authorisation> answers = race(8, () -> m.authoriser.authorise(SHOP, request(bundle)));
            Set<String> ids = new HashSet<>();
            for (Authorisation answer : answers) {
                assertEquals(Decision.APPROVED, answer.decision());
                ids.add(answer.authorisationId());
            }
            assertEquals(1, ids.size(), "one authorisation for one order");
            assertEquals(before.alice().minus(PRICE), m.available(ALICE));
            assertEquals(before.shop().plus(PRICE), m.due(SHOP));
            assertEquals(before.transfers() + 1, m.count("ledger_transfers"));
            assertEquals(1, m.count("issuer_s2_authorisation"));
            m.assertBooksBalance();
        }
    }

    @Test
    void concurrentDifferentBundlesForOneOrderPayOnce() throws Exception {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            // Same order id, each sealed afresh; half of them for another amount (the ledger's transfer ids collide).
            List<AuthorisationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Money amount = i % 2 == 0 ? PRICE : Money.parse("9.99 EUR");
                requests.add(request(m.order("order-1", Map.of(SplitOrder.AMOUNT, amount.toString())), amount));
            }
            Market.Books before = m.books();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<Authorisation> outcomes = race(8, () -> m.authoriser.authorise(SHOP, requests.get(next.getAndIncrement())));
            List<Authorisation> approved = outcomes.stream().filter(a -> a.decision() == Decision.APPROVED).toList();
            assertEquals(1, approved.size(), outcomes.toString());
            assertEquals(7, outcomes.stream().filter(a -> OrderException.REPLAYED.value().equals(a.reason())).count(), outcomes.toString());
            assertEquals(0, m.count("issuer_s2_decline"));
            assertEquals(before.alice().minus(approved.getFirst().amount()), m.available(ALICE));
            assertEquals(before.shop().plus(approved.getFirst().amount()), m.due(SHOP));
            assertEquals(before.transfers() + 1, m.count("ledger_transfers"));
            assertEquals(1, m.count("issuer_s2_authorisation"));
            m.assertBooksBalance();
        }
    }

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void anApprovalAndADeclineOfOneOrderNeverBothHappen(Market.Mode mode) throws Exception {
        try (Market m = new Market(mode)) {
            Money small = Money.parse("1.00 EUR");
            int rounds = 10;
            int approvedRounds = 0;
            long transfers = m.count("ledger_transfers");
            for (int round = 0; round < rounds; round++) {
                String orderId = "order-" + round;
                // Both the holder's own, same seller: one pays, the other has an expiry the card does not have.
                Sealed pays = m.order(orderId, Map.of(SplitOrder.AMOUNT, small.toString()));
                Sealed fails = m.order(orderId, Map.of(SplitOrder.AMOUNT, small.toString(), SplitOrder.EXPIRY, "01/20"));
                List<Sealed> sent = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    sent.add((i + round) % 2 == 0 ? pays : fails);
                }
                java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
                List<Object[]> outcomes = race(8, () -> {
                    Sealed bundle = sent.get(next.getAndIncrement());
                    return new Object[] {bundle, m.authoriser.authorise(SHOP, request(bundle, small))};
                });
                long approvals = m.db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM issuer_s2_authorisation WHERE order_id = ?",
                        r -> r.getLong(1), orderId).orElseThrow());
                Optional<List<String>> decline = m.decline(ALICE, orderId);
                assertEquals(1, approvals + (decline.isPresent() ? 1 : 0), "exactly one decision for " + orderId);
                for (Object[] outcome : outcomes) {
                    Sealed bundle = (Sealed) outcome[0];
                    Authorisation answer = (Authorisation) outcome[1];
                    assertEquals(bundle.digest(), answer.digest());
                    if (approvals == 1) {
                        // Approved first: the paying bundle's answer stands, the other is a replay.
                        assertEquals(bundle == pays ? Decision.APPROVED : Decision.DECLINED, answer.decision());
                        assertEquals(bundle == pays ? null : OrderException.REPLAYED.value(), answer.reason());
                    } else {
                        // Declined first: final, for both bundles.
                        assertEquals(Decision.DECLINED, answer.decision());
                        assertEquals(OrderException.CARD_DECLINED.value(), answer.reason());
                    }
                }
                approvedRounds += (int) approvals;
            }
            assertEquals(rounds, m.count("issuer_s2_authorisation") + m.count("issuer_s2_decline"));
            assertEquals(Money.parse("200.00 EUR").minus(Money.of(100L * approvedRounds, "EUR")), m.available(ALICE));
            assertEquals(transfers + approvedRounds, m.count("ledger_transfers"), "one hold per approval, none per decline");
            m.assertBooksBalance();
        }
    }

    private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- capture ----

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void theSellersCapturePostsTheHoldOnce(Market.Mode mode) {
        try (Market m = new Market(mode)) {
            Sealed bundle = m.offerOrder("order-1");
            Authorisation approved = m.authoriser.authorise(SHOP, request(bundle));
            long transfers = m.count("ledger_transfers");
            m.clock.advance(Duration.ofHours(2));

            Capture paid = m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId()));

            assertEquals(new Capture("order-1", ALICE, approved.authorisationId(), PRICE, m.clock.instant()), paid);
            assertEquals(Money.parse("200.00 EUR").minus(PRICE), m.issuer.customerBalance(ALICE));
            assertEquals(PRICE, m.issuer.merchantBalance(SHOP));
            assertEquals(Money.parse("0.00 EUR"), m.currentAccount(ALICE).pendingDebits());
            assertEquals(Money.parse("0.00 EUR"), m.depositAccount(SHOP).pendingCredits());
            assertEquals(transfers, m.count("ledger_transfers"), "the hold became the transfer");
            assertEquals(2, m.count("ledger_postings WHERE amount IN (4999, -4999)"));

            m.clock.advance(Duration.ofHours(1));
            assertEquals(paid, m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId())),
                    "the same capture again gets the first answer");
            assertEquals(PRICE, m.issuer.merchantBalance(SHOP));
            // A new authorisation of the captured order is still the first answer, and holds nothing more.
            assertEquals(approved.authorisationId(), m.authoriser.authorise(SHOP, request(bundle)).authorisationId());
            assertEquals(PRICE, m.issuer.merchantBalance(SHOP));
            m.assertBooksBalance();
        }
    }

    @Test
    void onlyTheApprovedSellerCapturesAndOnlyUnderItsAuthorisationId() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Authorisation approved = m.authoriser.authorise(SHOP, request(m.offerOrder("order-1")));
            Market.Books before = m.books();
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.capture(OTHER_SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId())));
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, "AUTH-AAAAAAAAAAAA")));
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.capture(SHOP, new CaptureRequest("order-1", BOB, approved.authorisationId())));
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.capture(SHOP, new CaptureRequest("order-2", ALICE, approved.authorisationId())));
            assertEquals(before, m.books());
            assertEquals(Money.parse("0.00 EUR"), m.issuer.merchantBalance(SHOP));
        }
    }

    @Test
    void heldAmountsCountAgainstTheHoldersNextOrder() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Money big = Money.parse("150.00 EUR");
            Money rest = Money.parse("60.00 EUR");
            assertEquals(Decision.APPROVED, m.authoriser.authorise(SHOP,
                    request(m.order("order-1", Map.of(SplitOrder.AMOUNT, big.toString())), big)).decision());
            // The balance is still 200.00, but 150.00 of it is held.
            Authorisation second = m.authoriser.authorise(SHOP, request(m.order("order-2", Map.of(SplitOrder.AMOUNT, rest.toString())), rest));
            assertEquals(OrderException.INSUFFICIENT_FUNDS.value(), second.reason());
            assertEquals(Money.parse("200.00 EUR"), m.issuer.customerBalance(ALICE));
            assertEquals(Money.parse("50.00 EUR"), m.available(ALICE));
        }
    }

    @Test
    void aHoldTheSellerNeverCapturesExpiresAndGivesTheHolderTheMoneyBack() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Sealed bundle = m.offerOrder("order-1");
            Authorisation approved = m.authoriser.authorise(SHOP, request(bundle));
            m.clock.advance(CardAuthoriser.HOLD_LIFETIME);

            assertRefused(OrderException.AUTHORISATION_EXPIRED,
                    () -> m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId())));
            assertEquals(1, m.issuer.ledger().voidExpiredHolds());
            assertEquals(Money.parse("200.00 EUR"), m.available(ALICE));
            assertEquals(Money.parse("0.00 EUR"), m.due(SHOP));
            assertRefused(OrderException.AUTHORISATION_EXPIRED,
                    () -> m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId())));
            // The order stays decided: authorising it again is the first answer, with nothing held.
            assertEquals(approved.authorisationId(), m.authoriser.authorise(SHOP, request(bundle)).authorisationId());
            assertEquals(Money.parse("200.00 EUR"), m.available(ALICE));
            m.assertBooksBalance();
        }
    }

    // ---- release ----

    @ParameterizedTest
    @EnumSource(Market.Mode.class)
    void theSellersReleaseGivesTheHolderTheHeldAmountBackAtOnce(Market.Mode mode) {
        try (Market m = new Market(mode)) {
            Sealed bundle = m.offerOrder("order-1");
            Authorisation approved = m.authoriser.authorise(SHOP, request(bundle));
            assertEquals(Money.parse("200.00 EUR").minus(PRICE), m.available(ALICE));
            long transfers = m.count("ledger_transfers");
            m.clock.advance(Duration.ofHours(5));

            Release released = m.authoriser.release(SHOP, new ReleaseRequest("order-1", ALICE, approved.authorisationId()));

            assertEquals(new Release("order-1", ALICE, approved.authorisationId(), PRICE, m.clock.instant()), released);
            assertEquals(Money.parse("200.00 EUR"), m.available(ALICE), "the holder has the amount back, days before the hold would expire");
            assertEquals(Money.parse("200.00 EUR"), m.issuer.customerBalance(ALICE));
            assertEquals(Money.parse("0.00 EUR"), m.due(SHOP));
            assertEquals(transfers, m.count("ledger_transfers"));
            assertEquals(1, m.count("ledger_transfers WHERE state = 'VOIDED'"));
            assertEquals(0, m.count("ledger_postings WHERE amount IN (4999, -4999)"), "nothing moved");

            m.clock.advance(Duration.ofHours(1));
            assertEquals(released, m.authoriser.release(SHOP, new ReleaseRequest("order-1", ALICE, approved.authorisationId())),
                    "the same release again gets the first answer");
            assertRefused(OrderException.AUTHORISATION_EXPIRED,
                    () -> m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId())));
            // The order stays decided: authorising it again is the first answer, with nothing held.
            assertEquals(approved.authorisationId(), m.authoriser.authorise(SHOP, request(bundle)).authorisationId());
            assertEquals(Money.parse("200.00 EUR"), m.available(ALICE));
            m.assertBooksBalance();
        }
    }

    @Test
    void aCapturedAuthorisationCannotBeReleased() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Authorisation approved = m.authoriser.authorise(SHOP, request(m.offerOrder("order-1")));
            m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId()));
            Market.Books before = m.books();
            assertRefused(OrderException.CAPTURED,
                    () -> m.authoriser.release(SHOP, new ReleaseRequest("order-1", ALICE, approved.authorisationId())));
            assertEquals(before, m.books());
            assertEquals(PRICE, m.issuer.merchantBalance(SHOP));
        }
    }

    @Test
    void onlyTheApprovedSellerReleasesAndOnlyUnderItsAuthorisationId() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Authorisation approved = m.authoriser.authorise(SHOP, request(m.offerOrder("order-1")));
            Market.Books before = m.books();
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.release(OTHER_SHOP, new ReleaseRequest("order-1", ALICE, approved.authorisationId())));
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.release(SHOP, new ReleaseRequest("order-1", ALICE, "AUTH-AAAAAAAAAAAA")));
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.release(SHOP, new ReleaseRequest("order-1", BOB, approved.authorisationId())));
            assertRefused(OrderException.NOT_FOUND, () -> m.authoriser.release(SHOP, new ReleaseRequest("order-2", ALICE, approved.authorisationId())));
            assertEquals(before, m.books());
            assertEquals(1, m.count("ledger_transfers WHERE state = 'PENDING'"), "still held for the seller to capture");
        }
    }

    @Test
    void releasingAHoldThatExpiredAnswersWhatWasReleased() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Authorisation approved = m.authoriser.authorise(SHOP, request(m.offerOrder("order-1")));
            m.clock.advance(CardAuthoriser.HOLD_LIFETIME);
            assertEquals(1, m.issuer.ledger().voidExpiredHolds());
            Instant expired = m.clock.instant();
            m.clock.advance(Duration.ofDays(1));
            assertEquals(new Release("order-1", ALICE, approved.authorisationId(), PRICE, expired),
                    m.authoriser.release(SHOP, new ReleaseRequest("order-1", ALICE, approved.authorisationId())));
            assertEquals(Money.parse("200.00 EUR"), m.available(ALICE));
            m.assertBooksBalance();
        }
    }

    @Test
    void thereIsNoPassThroughAccountAnyMore() {
        try (Market m = new Market(Market.Mode.DIRECTORY)) {
            Authorisation approved = m.authoriser.authorise(SHOP, request(m.offerOrder("order-1")));
            m.authoriser.capture(SHOP, new CaptureRequest("order-1", ALICE, approved.authorisationId()));
            assertEquals(List.of(AccountKind.BANK_CASH, AccountKind.BANK_OWN), m.issuer.ledger().accounts().stream()
                    .filter(a -> a.owner().equals(BANK) && a.currency().getCurrencyCode().equals("EUR")).map(a -> a.kind()).toList());
        }
    }
}
