package escudo.bank;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.core.Money;
import escudo.core.Text;
import escudo.crypto.SigningKey;
import escudo.ledger.Ledger;
import escudo.storage.Database;
import escudo.testing.TestClock;
import escudo.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Opening customers and merchants: what the bank refuses before anything is written. */
class BankTest {

    private final Database db = TestDatabase.create();
    private final Bank bank = new Bank("test-bank", SigningKey.generate().verifyingKey(), db, new TestClock(java.time.Instant.parse("2026-01-01T00:00:00Z")));

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aCustomerOpensWithTheCashPaidInAndTheBooksBalance() {
        bank.openCustomer("alice", "Alice Example", Money.of(100_00, "EUR"));
        bank.openCustomer("bob", "Bob", Money.of(0, "EUR"));
        assertEquals(Money.of(100_00, "EUR"), bank.customerBalance("alice"));
        assertEquals(Money.of(0, "EUR"), bank.customerBalance("bob"));
        assertEquals(Map.of(Money.currency("EUR"), 0L), new Ledger(db).totals());
    }

    @Test
    void aNegativeOpeningDepositIsRefusedAndOpensNothing() {
        assertRefused(BankException.INVALID_AMOUNT, () -> bank.openCustomer("alice", "Alice", Money.of(-100, "EUR")));
        assertRefused(BankException.UNKNOWN_CUSTOMER, () -> bank.customerBalance("alice"));
        bank.openCustomer("alice", "Alice", Money.of(1, "EUR")); // the id is still free
    }

    @Test
    void idsThatCouldSplitAHeaderOrAPathAndNamesWithControlsAreRefused() {
        for (String id : List.of("alice\r\nSet-Cookie: a=1", "../alice", "a/b", "a\u0000", "\u202Ealice", "", "x".repeat(65))) {
            assertRefused(Text.INVALID, () -> bank.openCustomer(id, "Alice", Money.of(1, "EUR")));
            assertRefused(Text.INVALID, () -> bank.openMerchant(id, "Shop", "EUR", SigningKey.generate().verifyingKey()));
        }
        for (String name : List.of("Alice\r\nInjected", "A\u0000", "  ", "n".repeat(Bank.MAX_NAME_LENGTH + 1))) {
            assertRefused(Text.INVALID, () -> bank.openCustomer("alice", name, Money.of(1, "EUR")));
        }
        bank.openCustomer("alice", "Alice Ünïcödé 日本", Money.of(1, "EUR"));
    }
}
