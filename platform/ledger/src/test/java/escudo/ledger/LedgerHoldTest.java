package escudo.ledger;

import static escudo.ledger.LedgerTest.eur;
import static escudo.ledger.LedgerTest.request;
import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.storage.Database;
import escudo.storage.StorageException;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Holds (pending transfers): reserved at once, later posted (moved once) or voided (released). */
class LedgerHoldTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final TestClock clock = new TestClock(START);
    private Database db;
    private Ledger ledger;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        ledger = new Ledger(db, clock);
        ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", Money.currency("EUR"), Ledger.UNLIMITED);
        ledger.open("alice", AccountKind.CUSTOMER_CURRENT, "Alice", Money.currency("EUR"), 0);
        ledger.open("shop", AccountKind.MERCHANT_DEPOSIT, "Shop", Money.currency("EUR"), 0);
        ledger.open("carol:card", AccountKind.CARD, "Carol", Money.currency("EUR"), 50_00);
        ledger.transfer(request("fund-alice", "bank:external", "alice", eur(100_00)));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void aHoldReservesTheAmountAtOnceAndMovesNothing() {
        Hold hold = ledger.hold(hold("h1", "alice", "shop", eur(30_00)));

        assertEquals(new Hold("h1", "alice", "shop", eur(30_00), "order", START, null, Hold.State.PENDING, null, false), hold);
        assertEquals(Optional.of(hold), ledger.findHold("h1"));
        Account alice = ledger.account("alice");
        assertEquals(eur(100_00), alice.balance());
        assertEquals(eur(30_00), alice.pendingDebits());
        assertEquals(eur(70_00), alice.available());
        assertEquals(eur(30_00), ledger.account("shop").pendingCredits());
        assertEquals(eur(0), ledger.balance("shop"));
        assertEquals(1, ledger.postings("alice").size(), "a hold writes no postings");
        assertEquals(Optional.empty(), ledger.findTransfer("h1"), "nothing moved yet");
    }

    @Test
    void whatIsHeldCannotBeSpentByATransferOrAnotherHold() {
        ledger.hold(hold("h1", "alice", "shop", eur(80_00)));

        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.transfer(request("t1", "alice", "shop", eur(20_01))));
        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.hold(hold("h2", "alice", "shop", eur(20_01))));
        ledger.hold(hold("h2", "alice", "shop", eur(20_00)));
        assertEquals(eur(0), ledger.account("alice").available());
        assertEquals(Optional.empty(), ledger.findHold("t1"));
    }

    @Test
    void aHoldMayReachIntoTheCreditLimitButNotBeyond() {
        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.hold(hold("h1", "carol:card", "shop", eur(50_01))));
        ledger.hold(hold("h1", "carol:card", "shop", eur(50_00)));
        assertEquals(eur(-50_00), ledger.account("carol:card").available());
        // The credit limit cannot be lowered below what holds reserve either.
        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.setCreditLimit("carol:card", 49_99));
    }

    @Test
    void postingMovesTheHeldAmountOnceAsATransferUnderTheHoldsId() {
        ledger.hold(hold("h1", "alice", "shop", eur(30_00)));
        clock.advance(Duration.ofMinutes(5));

        Transfer posted = ledger.post("h1");

        Instant postedAt = START.plus(Duration.ofMinutes(5));
        assertEquals(new Transfer("h1", "alice", "shop", eur(30_00), "order", postedAt, false), posted);
        assertEquals(Optional.of(posted), ledger.findTransfer("h1"));
        Account alice = ledger.account("alice");
        assertEquals(eur(70_00), alice.balance());
        assertEquals(eur(0), alice.pendingDebits());
        Account shop = ledger.account("shop");
        assertEquals(eur(30_00), shop.balance());
        assertEquals(eur(0), shop.pendingCredits());
        assertEquals(List.of(new Posting("h1", "shop", "alice", eur(30_00), eur(30_00), "order", postedAt)), ledger.postings("shop"));
        Hold hold = ledger.findHold("h1").orElseThrow();
        assertEquals(Hold.State.POSTED, hold.state());
        assertEquals(postedAt, hold.settledAt());
        assertEquals(Map.of(Money.currency("EUR"), 0L), ledger.totals());
    }

    @Test
    void postingAgainReturnsTheFirstTransferAndMovesNothing() {
        ledger.hold(hold("h1", "alice", "shop", eur(30_00)));
        Transfer first = ledger.post("h1");
        clock.advance(Duration.ofMinutes(1));

        Transfer again = ledger.post("h1");

        assertTrue(again.replayed());
        assertEquals(first.createdAt(), again.createdAt());
        assertEquals(eur(30_00), ledger.balance("shop"));
        assertEquals(1, ledger.postings("shop").size());
    }

    @Test
    void voidingReleasesTheReservationAndMovesNothing() {
        ledger.hold(hold("h1", "alice", "shop", eur(100_00)));

        Hold voided = ledger.voidHold("h1");

        assertEquals(Hold.State.VOIDED, voided.state());
        assertFalse(voided.replayed());
        assertEquals(START, voided.settledAt());
        Account alice = ledger.account("alice");
        assertEquals(eur(100_00), alice.available());
        assertEquals(eur(0), ledger.account("shop").pendingCredits());
        assertEquals(eur(0), ledger.balance("shop"));
        assertTrue(ledger.voidHold("h1").replayed(), "voiding again changes nothing");
        assertEquals(eur(100_00), ledger.account("alice").available());
        ledger.transfer(request("t1", "alice", "shop", eur(100_00)));
    }

    @Test
    void aPostedHoldCannotBeVoidedNorAVoidedOnePosted() {
        ledger.hold(hold("h1", "alice", "shop", eur(10_00)));
        ledger.post("h1");
        assertRefused(LedgerException.HOLD_POSTED, Kind.REFUSED, () -> ledger.voidHold("h1"));

        ledger.hold(hold("h2", "alice", "shop", eur(10_00)));
        ledger.voidHold("h2");
        assertRefused(LedgerException.HOLD_VOIDED, Kind.REFUSED, () -> ledger.post("h2"));

        assertEquals(eur(90_00), ledger.account("alice").available());
        assertEquals(eur(10_00), ledger.balance("shop"));
    }

    @Test
    void theSameHoldAgainReturnsItAsItNowStands() {
        Hold first = ledger.hold(hold("h1", "alice", "shop", eur(30_00)));

        Hold again = ledger.hold(new HoldRequest("h1", "alice", "shop", eur(30_00), "another memo does not matter", null));
        assertTrue(again.replayed());
        assertEquals(first.asReplay(), again);
        assertEquals(eur(30_00), ledger.account("alice").pendingDebits(), "reserved once");

        ledger.post("h1");
        Hold afterPost = ledger.hold(hold("h1", "alice", "shop", eur(30_00)));
        assertEquals(Hold.State.POSTED, afterPost.state());
        assertTrue(afterPost.replayed());
        assertEquals(eur(70_00), ledger.account("alice").available());
    }

    @Test
    void anotherRequestUnderAUsedIdIsAConflict() {
        ledger.hold(hold("h1", "alice", "shop", eur(30_00)));

        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.hold(hold("h1", "alice", "shop", eur(30_01))));
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.hold(hold("h1", "alice", "carol:card", eur(30_00))));
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT,
                () -> ledger.hold(new HoldRequest("h1", "alice", "shop", eur(30_00), "order", START.plusSeconds(60))));
        // Holds and transfers share one id space.
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.transfer(request("h1", "alice", "shop", eur(30_00))));
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.hold(hold("fund-alice", "bank:external", "alice", eur(100_00))));
        assertEquals(eur(30_00), ledger.account("alice").pendingDebits());
        assertEquals(eur(100_00), ledger.balance("alice"));
    }

    @Test
    void onlyAHoldCanBePostedOrVoided() {
        assertRefused(LedgerException.UNKNOWN_HOLD, Kind.NOT_FOUND, () -> ledger.post("nothing"));
        assertRefused(LedgerException.UNKNOWN_HOLD, Kind.NOT_FOUND, () -> ledger.voidHold("nothing"));
        assertRefused(LedgerException.UNKNOWN_HOLD, Kind.NOT_FOUND, () -> ledger.post("fund-alice"));
        assertRefused(LedgerException.UNKNOWN_HOLD, Kind.NOT_FOUND, () -> ledger.voidHold("fund-alice"));
        assertEquals(Optional.empty(), ledger.findHold("fund-alice"));
        assertEquals(eur(100_00), ledger.balance("alice"));
    }

    @Test
    void aHoldIsCheckedLikeATransfer() {
        assertRefused(LedgerException.INVALID_AMOUNT, Kind.INVALID, () -> hold("h1", "alice", "shop", eur(0)));
        assertRefused(LedgerException.SAME_ACCOUNT, Kind.INVALID, () -> hold("h1", "alice", "alice", eur(1)));
        assertRefused(LedgerException.INVALID_REQUEST, Kind.INVALID, () -> hold(" ", "alice", "shop", eur(1)));
        assertRefused(LedgerException.UNKNOWN_ACCOUNT, Kind.NOT_FOUND, () -> ledger.hold(hold("h1", "alice", "nobody", eur(1))));
        assertRefused(LedgerException.CURRENCY_MISMATCH, Kind.INVALID, () -> ledger.hold(hold("h1", "alice", "shop", Money.of(1_00, "USD"))));
        assertEquals(Optional.empty(), ledger.findHold("h1"));
    }

    @Test
    void anExpiredHoldCannotBePostedAndIsReleasedByTheNextPaymentFromItsAccount() {
        Instant expiry = START.plus(Duration.ofDays(7));
        ledger.hold(new HoldRequest("h1", "alice", "shop", eur(100_00), "order", expiry));
        clock.set(expiry.minusNanos(1_000));
        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.transfer(request("t1", "alice", "carol:card", eur(1_00))));

        clock.set(expiry);
        assertRefused(LedgerException.HOLD_EXPIRED, Kind.REFUSED, () -> ledger.post("h1"));
        assertEquals(eur(0), ledger.balance("shop"));
        ledger.transfer(request("t1", "alice", "carol:card", eur(1_00)));

        Hold expired = ledger.findHold("h1").orElseThrow();
        assertEquals(Hold.State.EXPIRED, expired.state());
        assertEquals(expiry, expired.settledAt());
        assertEquals(eur(99_00), ledger.account("alice").available());
        assertEquals(eur(0), ledger.account("shop").pendingCredits());
        assertRefused(LedgerException.HOLD_EXPIRED, Kind.REFUSED, () -> ledger.post("h1"));
        assertTrue(ledger.voidHold("h1").replayed());
    }

    @Test
    void voidingExpiredHoldsReleasesThoseNobodyTouches() {
        ledger.hold(new HoldRequest("h1", "alice", "shop", eur(10_00), "order", START.plusSeconds(60)));
        ledger.hold(new HoldRequest("h2", "alice", "shop", eur(20_00), "order", START.plusSeconds(120)));
        ledger.hold(hold("h3", "alice", "shop", eur(30_00)));
        clock.set(START.plusSeconds(90));

        assertEquals(1, ledger.voidExpiredHolds());
        assertEquals(0, ledger.voidExpiredHolds());

        assertEquals(Hold.State.EXPIRED, ledger.findHold("h1").orElseThrow().state());
        assertEquals(Hold.State.PENDING, ledger.findHold("h2").orElseThrow().state());
        assertEquals(eur(50_00), ledger.account("alice").pendingDebits());
        assertEquals(eur(50_00), ledger.account("shop").pendingCredits());
    }

    @Test
    void voidingAPendingHoldPastItsExpiryRecordsItAsExpired() {
        ledger.hold(new HoldRequest("h1", "alice", "shop", eur(10_00), "order", START.plusSeconds(60)));
        clock.set(START.plusSeconds(60));
        assertEquals(Hold.State.EXPIRED, ledger.voidHold("h1").state());
        assertEquals(eur(100_00), ledger.account("alice").available());
    }

    @Test
    void aHoldInACallersTransactionRollsBackWithIt() {
        assertThrows(IllegalStateException.class, () -> db.run(tx -> {
            ledger.hold(tx, hold("h1", "alice", "shop", eur(10_00)));
            throw new IllegalStateException("the caller's own work failed");
        }));
        assertEquals(Optional.empty(), ledger.findHold("h1"));
        assertEquals(eur(0), ledger.account("alice").pendingDebits());

        db.run(tx -> {
            assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.hold(tx, hold("h1", "alice", "shop", eur(100_01))));
            ledger.hold(tx, hold("h1", "alice", "shop", eur(10_00)));
            ledger.post(tx, "h1");
        });
        assertEquals(eur(10_00), ledger.balance("shop"));
    }

    @Test
    void theSchemaItselfRefusesHoldsBeyondTheCreditLimit() {
        assertThrows(StorageException.class, () -> db.run(tx -> {
            tx.update("UPDATE ledger_accounts SET pending_debits = 10001 WHERE id = 'alice'");
        }));
        assertThrows(StorageException.class, () -> db.run(tx -> {
            tx.update("UPDATE ledger_accounts SET pending_credits = -1 WHERE id = 'shop'");
        }));
    }

    @Test
    void pendingDebitsAndCreditsBalanceAsPostedAmountsDo() {
        ledger.hold(hold("h1", "alice", "shop", eur(10_00)));
        ledger.hold(hold("h2", "carol:card", "alice", eur(20_00)));
        ledger.hold(hold("h3", "alice", "carol:card", eur(5_00)));
        ledger.post("h2");
        ledger.voidHold("h3");
        long debits = ledger.accounts().stream().mapToLong(a -> a.pendingDebits().minorUnits()).sum();
        long credits = ledger.accounts().stream().mapToLong(a -> a.pendingCredits().minorUnits()).sum();
        assertEquals(10_00, debits);
        assertEquals(10_00, credits);
        assertEquals(Map.of(Money.currency("EUR"), 0L), ledger.totals());
        assertNull(ledger.findHold("h1").orElseThrow().settledAt());
    }

    private static HoldRequest hold(String id, String from, String to, Money amount) {
        return new HoldRequest(id, from, to, amount, "order", null);
    }
}
