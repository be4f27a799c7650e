package escudo.s2.server.issuer;

import escudo.core.Bytes;
import escudo.s2.api.PaymentCard;
import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.bank.Bank;
import escudo.ledger.Account;
import escudo.s2.protocol.BlomAuthority;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.AuthorisationRequest;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.storage.Database;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import escudo.testing.Edits;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bank of S2 on a fresh database with a settable clock, and the parties around it: holder
 * Alice (a customer with a payment card), the shop (a merchant), a courier, in either key mode.
 */
final class Market implements AutoCloseable {

    static final String BANK = "test-bank";
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String SHOP = "shop-1";
    static final String OTHER_SHOP = "shop-2";
    static final String USD_SHOP = "shop-usd";
    static final String COURIER = "courier-1";
    static final String CONTACT = "Alice, +351 21 000 0000";
    static final String DESTINATION = "Rua das Flores 12, Lisboa";
    static final Money PRICE = Money.parse("49.99 EUR");

    enum Mode { DIRECTORY, BLOM }

    final Mode mode;
    final TestClock clock = new TestClock(Instant.parse("2026-03-15T12:00:00Z"));
    final Database db = TestDatabase.create();
    final Bank issuer = new Bank(BANK, SigningKey.generate().verifyingKey(), db, clock);
    final PartyDirectory directory = new PartyDirectory(db, clock);
    final PaymentCards cards = new PaymentCards(issuer, db, clock);
    private final BlomAuthority authority;
    private final Map<String, PairwiseKeys> keys = new HashMap<>();
    final CardAuthoriser authoriser;
    final PaymentCard aliceCard;
    final PaymentCard bobCard;

    Market(Mode mode) {
        this.mode = mode;
        this.authority = mode == Mode.BLOM ? BlomAuthority.generate(6, new SecureRandom()) : null;
        issuer.openCustomer(ALICE, "Alice Example", Money.parse("200.00 EUR"));
        issuer.openCustomer(BOB, "Bob Example", Money.parse("200.00 EUR"));
        for (String shop : List.of(SHOP, OTHER_SHOP)) {
            issuer.openMerchant(shop, "Shop " + shop, "EUR", SigningKey.generate().verifyingKey());
        }
        issuer.openMerchant(USD_SHOP, "Shop in dollars", "USD", SigningKey.generate().verifyingKey());
        for (String party : List.of(BANK, ALICE, BOB, SHOP, OTHER_SHOP, USD_SHOP, COURIER)) {
            enrol(party);
        }
        authoriser = new CardAuthoriser(issuer, cards, db, keys(BANK), clock);
        aliceCard = cards.issue(ALICE);
        bobCard = cards.issue(BOB);
    }

    /** The party's pairwise keys: registered in the bank's directory, or issued a Blom share. */
    PairwiseKeys enrol(String party) {
        PairwiseKeys mine;
        if (mode == Mode.BLOM) {
            mine = authority.issue(party);
        } else {
            DirectoryKeys generated = DirectoryKeys.generate(party, new KeyDirectory(directory::find));
            SigningKey signing = SigningKey.generate();
            KeyDirectory.Entry entry = new KeyDirectory.Entry(party, generated.publicKey(), signing.verifyingKey());
            directory.register(entry, entry.prove(signing));
            mine = generated;
        }
        keys.put(party, mine);
        return mine;
    }

    /** Keys of a party the bank's directory has never heard of (directory mode) or a Blom share. */
    PairwiseKeys stranger(String party) {
        return mode == Mode.BLOM ? authority.issue(party) : DirectoryKeys.generate(party, new KeyDirectory(directory::find));
    }

    PairwiseKeys keys(String party) {
        return keys.get(party);
    }

    /** Alice orders through the seller's offer, as the holder's software does. */
    Sealed offerOrder(String orderId) {
        OrderMessage.Offer offer = new OrderMessage.Offer(orderId, SHOP, BANK, COURIER,
                List.of(new OrderMessage.Item("book-978", "A book", 1, PRICE)), PRICE,
                Map.of(Role.SELLER, List.of(SplitOrder.CONTACT, SplitOrder.ITEMS, SplitOrder.AMOUNT, SplitOrder.PAYMENT_TYPE),
                        Role.ISSUER, List.of(SplitOrder.CARD_NUMBER, SplitOrder.EXPIRY, SplitOrder.CONTACT, SplitOrder.AMOUNT,
                                SplitOrder.PAYMENT_TYPE),
                        Role.COURIER, List.of(SplitOrder.CONTACT, SplitOrder.DESTINATION)),
                clock.instant().plus(Duration.ofHours(1)));
        return new Shopper(keys(ALICE), BANK).seal(offer, new Shopper.Details(CONTACT, aliceCard.cardNumber(), aliceCard.expiry(), DESTINATION));
    }

    /** The issuer's part of Alice's order with her card and the price, changed by {@code changes} (null removes a field). */
    static Map<String, String> issuerFields(PaymentCard card, Map<String, String> changes) {
        return Edits.edited(Map.of(SplitOrder.CARD_NUMBER, card.cardNumber(), SplitOrder.EXPIRY, card.expiry(),
                SplitOrder.CONTACT, CONTACT, SplitOrder.AMOUNT, PRICE.toString(), SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT), changes);
    }

    /** An order sealed by {@code holder} with the given parts: seller (to {@code seller}), issuer and courier. */
    Sealed order(PairwiseKeys holder, String orderId, String seller, Map<String, String> issuerFields) {
        List<Part> parts = new ArrayList<>();
        parts.add(Part.of(Role.SELLER, seller, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.ITEMS, "1 x book-978",
                SplitOrder.AMOUNT, PRICE.toString(), SplitOrder.PAYMENT_TYPE, Shopper.FULL_PAYMENT)));
        if (issuerFields != null) {
            parts.add(Part.of(Role.ISSUER, BANK, issuerFields));
        }
        parts.add(Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, CONTACT, SplitOrder.DESTINATION, DESTINATION)));
        return SplitOrder.seal(SplitOrder.Form.standard(), orderId, holder, parts);
    }

    Sealed order(String orderId, Map<String, String> issuerChanges) {
        return order(keys(ALICE), orderId, SHOP, issuerFields(aliceCard, issuerChanges));
    }

    static AuthorisationRequest request(Sealed bundle, Money amount) {
        return new AuthorisationRequest(Bytes.of(bundle.encode()), amount);
    }

    static AuthorisationRequest request(Sealed bundle) {
        return request(bundle, PRICE);
    }

    /**
     * What an authorisation may change: what Alice may spend, what each shop is owed (its balance
     * and the holds in its favour), transfers and holds, the bank's approval and decline rows.
     */
    record Books(Money alice, Money shop, Money otherShop, long transfers, long approvals, long declines) {

        /** The same books with one more decline recorded. */
        Books plusDecline() {
            return new Books(alice, shop, otherShop, transfers, approvals, declines + 1);
        }
    }

    Books books() {
        return new Books(available(ALICE), due(SHOP), due(OTHER_SHOP),
                count("ledger_transfers"), count("issuer_s2_authorisation"), count("issuer_s2_decline"));
    }

    /** Moves {@code amount} from Bob's current account to Alice's: the holder tops up. */
    void topUpAlice(Money amount) {
        db.run(tx -> issuer.ledger().transfer(tx, new escudo.ledger.TransferRequest("top-up:" + java.util.UUID.randomUUID(),
                issuer.currentAccount(tx, BOB).id(), issuer.currentAccount(tx, ALICE).id(), amount, "top-up")));
    }

    /** The recorded decline of (holder, order): its seller, digest (hex) and reason. */
    Optional<List<String>> decline(String holderId, String orderId) {
        return db.inTransaction(tx -> tx.queryOne("SELECT seller_id, digest, reason, detail FROM issuer_s2_decline"
                + " WHERE holder_id = ? AND order_id = ?", r -> List.of(r.getString(1), r.getString(2), r.getString(3), r.getString(4)),
                holderId, orderId));
    }

    long count(String table) {
        return db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM " + table, r -> r.getLong(1)).orElseThrow());
    }

    /** What the customer may still spend: the current account's balance less what holds reserve. */
    Money available(String customerId) {
        return db.inTransaction(tx -> issuer.currentAccount(tx, customerId)).available();
    }

    /** What the merchant is owed: its deposit account's balance and the holds in its favour. */
    Money due(String merchantId) {
        Account deposit = db.inTransaction(tx -> issuer.depositAccount(tx, merchantId));
        return deposit.balance().plus(deposit.pendingCredits());
    }

    Account currentAccount(String customerId) {
        return db.inTransaction(tx -> issuer.currentAccount(tx, customerId));
    }

    Account depositAccount(String merchantId) {
        return db.inTransaction(tx -> issuer.depositAccount(tx, merchantId));
    }

    /** Every ledger currency must sum to zero: double entry never creates or loses money. */
    void assertBooksBalance() {
        issuer.ledger().totals().forEach((currency, total) -> assertEquals(0L, total, "ledger total in " + currency));
    }

    @Override
    public void close() {
        db.close();
    }
}
