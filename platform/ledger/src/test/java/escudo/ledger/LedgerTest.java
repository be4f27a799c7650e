package escudo.ledger;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.storage.Database;
import escudo.storage.StorageException;
import escudo.testing.TestDatabase;
import escudo.storage.Tx;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerTest {

    private static final Currency EUR = Money.currency("EUR");
    private static final Currency USD = Money.currency("USD");

    private Database db;
    private Ledger ledger;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        ledger = new Ledger(db);
        ledger.open("bank:external", AccountKind.BANK_CASH, "the bank", EUR, Ledger.UNLIMITED);
        ledger.open("alice", AccountKind.CUSTOMER_CURRENT, "Alice", EUR, 0);
        ledger.open("bob", AccountKind.CUSTOMER_CURRENT, "Bob", EUR, 0);
        ledger.open("carol:card", AccountKind.CARD, "Carol", EUR, 50_00);
        ledger.transfer(request("fund-alice", "bank:external", "alice", eur(100_00)));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void anAccountOpensEmptyWithItsCurrencyAndCreditLimit() {
        Account carol = ledger.account("carol:card");
        assertEquals(new Account("carol:card", AccountKind.CARD, "Carol", EUR, 50_00, eur(0), eur(0), eur(0), carol.openedAt()), carol);
        assertEquals(AccountKind.BANK_CASH, ledger.account("bank:external").kind());
        assertEquals(Optional.of(carol), ledger.find("carol:card"));
        assertTrue(ledger.account("bank:external").unlimited());
        assertEquals(List.of("alice", "bank:external", "bob", "carol:card"), ledger.accounts().stream().map(Account::id).toList());
    }

    @Test
    void openingAnExistingAccountIdIsAConflictAndKeepsTheOriginal() {
        LedgerException e = assertThrows(LedgerException.class, () -> ledger.open("alice", AccountKind.CUSTOMER_CURRENT, "Mallory", USD, 1_000_00));
        assertEquals(LedgerException.DUPLICATE_ACCOUNT, e.code());
        assertEquals(Kind.CONFLICT, e.kind());
        Account alice = ledger.account("alice");
        assertEquals("Alice", alice.owner());
        assertEquals(eur(100_00), alice.balance());
    }

    @Test
    void anAccountNeedsAKind() {
        assertRefused(LedgerException.INVALID_REQUEST, Kind.INVALID, () -> ledger.open("dave", null, "Dave", EUR, 0));
        assertEquals(Optional.empty(), ledger.find("dave"));
    }

    @Test
    void aNegativeCreditLimitIsInvalid() {
        assertRefused(LedgerException.INVALID_CREDIT_LIMIT, Kind.INVALID, () -> ledger.open("dave", AccountKind.CUSTOMER_CURRENT, "Dave", EUR, -1));
        assertRefused(LedgerException.INVALID_CREDIT_LIMIT, Kind.INVALID, () -> ledger.setCreditLimit("alice", -1));
        assertEquals(Optional.empty(), ledger.find("dave"));
    }

    @Test
    void blankIdsAreInvalidRequests() {
        assertRefused(LedgerException.INVALID_REQUEST, Kind.INVALID, () -> ledger.open(" ", AccountKind.CUSTOMER_CURRENT, "Nobody", EUR, 0));
        assertRefused(LedgerException.INVALID_REQUEST, Kind.INVALID, () -> ledger.open("x".repeat(101), AccountKind.CUSTOMER_CURRENT, "Nobody", EUR, 0));
        assertRefused(LedgerException.INVALID_REQUEST, Kind.INVALID, () -> request("", "alice", "bob", eur(1)));
        assertRefused(LedgerException.INVALID_REQUEST, Kind.INVALID, () -> request("t", null, "bob", eur(1)));
    }

    @Test
    void aTransferDebitsOneAccountAndCreditsTheOtherByTheSameAmount() {
        Transfer t = ledger.transfer(new TransferRequest("t1", "alice", "bob", eur(30_00), "lunch"));

        assertFalse(t.replayed());
        assertEquals(new Transfer("t1", "alice", "bob", eur(30_00), "lunch", t.createdAt(), false), t);
        assertEquals(Optional.of(t), ledger.findTransfer("t1"));
        assertEquals(eur(70_00), ledger.balance("alice"));
        assertEquals(eur(30_00), ledger.balance("bob"));
        assertEquals(new Posting("t1", "alice", "bob", eur(-30_00), eur(70_00), "lunch", t.createdAt()), last(ledger.postings("alice")));
        assertEquals(List.of(new Posting("t1", "bob", "alice", eur(30_00), eur(30_00), "lunch", t.createdAt())), ledger.postings("bob"));
    }

    @Test
    void eachTransferWritesOneTransferRowAndTwoPostingsThatSumToZero() {
        ledger.transfer(request("t1", "alice", "bob", eur(30_00)));
        ledger.transfer(request("t2", "bob", "carol:card", eur(10_00)));

        assertEquals(3L, count("SELECT COUNT(*) FROM ledger_transfers"));
        assertEquals(6L, count("SELECT COUNT(*) FROM ledger_postings"));
        assertEquals(List.of(0L), db.inTransaction(tx -> tx.query(
                "SELECT DISTINCT SUM(amount) FROM ledger_postings GROUP BY transfer_id", row -> row.getLong(1))));
    }

    @Test
    void balancesSumToZeroPerCurrency() {
        ledger.open("bank:external:usd", AccountKind.BANK_CASH, "the bank", USD, Ledger.UNLIMITED);
        ledger.open("alice:usd", AccountKind.CUSTOMER_CURRENT, "Alice", USD, 0);
        ledger.transfer(request("fund-usd", "bank:external:usd", "alice:usd", Money.of(7_00, "USD")));
        ledger.transfer(request("t1", "alice", "carol:card", eur(5_00)));

        assertEquals(Map.of(EUR, 0L, USD, 0L), ledger.totals());
        assertEquals(eur(-100_00), ledger.balance("bank:external"));
    }

    @Test
    void replayingATransferIdReturnsTheOriginalAndMovesNothing() {
        Transfer first = ledger.transfer(new TransferRequest("t1", "alice", "bob", eur(30_00), "lunch"));

        Transfer again = ledger.transfer(new TransferRequest("t1", "alice", "bob", eur(30_00), "a different memo does not matter"));

        assertTrue(again.replayed());
        assertEquals(new Transfer("t1", "alice", "bob", eur(30_00), "lunch", first.createdAt(), true), again);
        assertEquals(eur(70_00), ledger.balance("alice"));
        assertEquals(eur(30_00), ledger.balance("bob"));
        assertEquals(1, ledger.postings("bob").size());
    }

    @Test
    void aReplayIsHonouredEvenWhenTheFundsAreGoneSince() {
        ledger.transfer(request("t1", "alice", "bob", eur(100_00)));
        assertTrue(ledger.transfer(request("t1", "alice", "bob", eur(100_00))).replayed());
        assertEquals(eur(0), ledger.balance("alice"));
    }

    @Test
    void reusingATransferIdForAnotherMovementIsAConflictAndMovesNothing() {
        ledger.transfer(request("t1", "alice", "bob", eur(30_00)));

        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.transfer(request("t1", "alice", "bob", eur(31_00))));
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.transfer(request("t1", "alice", "carol:card", eur(30_00))));
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.transfer(request("t1", "bob", "alice", eur(30_00))));
        assertRefused(LedgerException.TRANSFER_CONFLICT, Kind.CONFLICT, () -> ledger.transfer(request("t1", "alice", "nobody", eur(30_00))));

        assertEquals(eur(70_00), ledger.balance("alice"));
        assertEquals(eur(30_00), ledger.balance("bob"));
        assertEquals(eur(0), ledger.balance("carol:card"));
    }

    @Test
    void theAmountMustBePositive() {
        assertRefused(LedgerException.INVALID_AMOUNT, Kind.INVALID, () -> request("t1", "alice", "bob", eur(0)));
        assertRefused(LedgerException.INVALID_AMOUNT, Kind.INVALID, () -> request("t1", "alice", "bob", eur(-5)));
        assertRefused(LedgerException.INVALID_AMOUNT, Kind.INVALID, () -> request("t1", "alice", "bob", null));
    }

    @Test
    void anAccountCannotPayItself() {
        assertRefused(LedgerException.SAME_ACCOUNT, Kind.INVALID, () -> request("t1", "alice", "alice", eur(1)));
    }

    @Test
    void bothAccountsMustExist() {
        assertRefused(LedgerException.UNKNOWN_ACCOUNT, Kind.NOT_FOUND, () -> ledger.transfer(request("t1", "nobody", "bob", eur(1))));
        assertRefused(LedgerException.UNKNOWN_ACCOUNT, Kind.NOT_FOUND, () -> ledger.transfer(request("t1", "alice", "nobody", eur(1))));
        assertRefused(LedgerException.UNKNOWN_ACCOUNT, Kind.NOT_FOUND, () -> ledger.balance("nobody"));
        assertRefused(LedgerException.UNKNOWN_ACCOUNT, Kind.NOT_FOUND, () -> ledger.postings("nobody"));
        assertRefused(LedgerException.UNKNOWN_ACCOUNT, Kind.NOT_FOUND, () -> ledger.setCreditLimit("nobody", 0));
        assertEquals(Optional.empty(), ledger.find("nobody"));
        assertNothingMovedSinceSetUp();
    }

    @Test
    void theAmountMustBeInTheCurrencyOfBothAccounts() {
        ledger.open("alice:usd", AccountKind.CUSTOMER_CURRENT, "Alice", USD, 0);
        assertRefused(LedgerException.CURRENCY_MISMATCH, Kind.INVALID, () -> ledger.transfer(request("t1", "alice", "bob", Money.of(1_00, "USD"))));
        assertRefused(LedgerException.CURRENCY_MISMATCH, Kind.INVALID, () -> ledger.transfer(request("t2", "alice", "alice:usd", eur(1_00))));
        assertRefused(LedgerException.CURRENCY_MISMATCH, Kind.INVALID, () -> ledger.transfer(request("t3", "alice:usd", "alice", Money.of(1_00, "USD"))));
        assertEquals(Money.of(0, "USD"), ledger.balance("alice:usd"));
        assertNothingMovedSinceSetUp();
    }

    @Test
    void aPlainAccountCannotGoBelowZero() {
        ledger.transfer(request("t1", "alice", "bob", eur(100_00)));
        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.transfer(request("t2", "alice", "bob", eur(1))));
        assertEquals(eur(0), ledger.balance("alice"));
    }

    @Test
    void anOverdraftWithinTheCreditLimitIsAllowed() {
        ledger.transfer(request("t1", "carol:card", "bob", eur(50_00)));
        assertEquals(eur(-50_00), ledger.balance("carol:card"));
        assertEquals(eur(50_00), ledger.balance("bob"));
    }

    @Test
    void anOverdraftBeyondTheCreditLimitIsRefusedAndWritesNothing() {
        ledger.transfer(request("t1", "carol:card", "bob", eur(20_00)));

        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.transfer(request("t2", "carol:card", "bob", eur(30_01))));

        assertEquals(eur(-20_00), ledger.balance("carol:card"));
        assertEquals(eur(20_00), ledger.balance("bob"));
        assertEquals(1, ledger.postings("carol:card").size());
        assertEquals(Optional.empty(), ledger.findTransfer("t2"));
        assertEquals(2L, count("SELECT COUNT(*) FROM ledger_transfers"));
        assertEquals(4L, count("SELECT COUNT(*) FROM ledger_postings"));
        // Nothing was recorded, so the same id may be tried again once it can succeed.
        assertFalse(ledger.transfer(request("t2", "carol:card", "bob", eur(30_00))).replayed());
    }

    @Test
    void theExternalAccountMayGoNegativeWithoutBound() {
        ledger.transfer(request("t1", "bank:external", "bob", eur(9_000_000_000_000_00L)));
        assertEquals(eur(-9_000_000_000_100_00L), ledger.balance("bank:external"));
        assertEquals(Map.of(EUR, 0L), ledger.totals());
    }

    @Test
    void aRaisedCreditLimitAllowsADeeperOverdraft() {
        ledger.setCreditLimit("carol:card", 80_00);
        ledger.transfer(request("t1", "carol:card", "bob", eur(80_00)));
        assertEquals(eur(-80_00), ledger.balance("carol:card"));
        assertEquals(80_00, ledger.account("carol:card").creditLimitMinor());
    }

    @Test
    void aCreditLimitCannotBeLoweredBelowWhatIsAlreadyOwed() {
        ledger.transfer(request("t1", "carol:card", "bob", eur(40_00)));
        assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.setCreditLimit("carol:card", 39_99));
        assertEquals(50_00, ledger.account("carol:card").creditLimitMinor());
        ledger.setCreditLimit("carol:card", 40_00);
        assertEquals(40_00, ledger.account("carol:card").creditLimitMinor());
    }

    @Test
    void transfersInACallersTransactionCommitAndRollBackWithIt() {
        assertThrows(IllegalStateException.class, () -> db.inTransaction(tx -> {
            ledger.open(tx, "dave", AccountKind.CUSTOMER_CURRENT, "Dave", EUR, 0);
            ledger.transfer(tx, request("t1", "alice", "dave", eur(10_00)));
            throw new IllegalStateException("the caller's own work failed");
        }));
        assertEquals(Optional.empty(), ledger.find("dave"));
        assertEquals(Optional.empty(), ledger.findTransfer("t1"));
        assertNothingMovedSinceSetUp();

        db.run(tx -> {
            ledger.open(tx, "dave", AccountKind.CUSTOMER_CURRENT, "Dave", EUR, 0);
            ledger.transfer(tx, request("t1", "alice", "dave", eur(10_00)));
        });
        assertEquals(eur(10_00), ledger.balance("dave"));
    }

    @Test
    void aRefusalInsideACallersTransactionLeavesTheTransactionUsable() {
        db.run(tx -> {
            assertRefused(LedgerException.INSUFFICIENT_FUNDS, Kind.REFUSED, () -> ledger.transfer(tx, request("t1", "bob", "alice", eur(1))));
            assertRefused(LedgerException.DUPLICATE_ACCOUNT, Kind.CONFLICT, () -> ledger.open(tx, "bob", AccountKind.CUSTOMER_CURRENT, "Bob", EUR, 0));
            ledger.transfer(tx, request("t2", "alice", "bob", eur(1_00)));
        });
        assertEquals(eur(1_00), ledger.balance("bob"));
        assertEquals(Optional.empty(), ledger.findTransfer("t1"));
    }

    @Test
    void theSchemaItselfRefusesABalanceBelowTheCreditLimit() {
        assertThrows(StorageException.class, () -> db.run(tx -> {
            tx.update("UPDATE ledger_accounts SET balance = -1 WHERE id = 'bob'");
        }));
        assertThrows(StorageException.class, () -> db.run(tx -> {
            tx.update("UPDATE ledger_accounts SET balance = -5001 WHERE id = 'carol:card'");
        }));
    }

    private void assertNothingMovedSinceSetUp() {
        assertEquals(eur(100_00), ledger.balance("alice"));
        assertEquals(eur(0), ledger.balance("bob"));
        assertEquals(eur(0), ledger.balance("carol:card"));
        assertEquals(1L, count("SELECT COUNT(*) FROM ledger_transfers"));
        assertEquals(2L, count("SELECT COUNT(*) FROM ledger_postings"));
    }

    private long count(String sql) {
        return db.inTransaction(tx -> tx.queryOne(sql, row -> row.getLong(1)).orElseThrow());
    }


    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    static TransferRequest request(String id, String from, String to, Money amount) {
        return new TransferRequest(id, from, to, amount, "");
    }

    static Money eur(long minor) {
        return new Money(minor, EUR);
    }
}
