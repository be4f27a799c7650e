package escudo.ledger.testing;

import escudo.storage.Database;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ledger's tables directly, bypassing {@link escudo.ledger.Ledger}, and says what breaks
 * double entry: each check returns one line per account or transfer that is wrong, empty when
 * all is well. For crash tests, which open the database a killed process left behind; shipped in
 * this module's test-jar.
 */
public final class LedgerAudit {

    private LedgerAudit() {
    }

    /** Every check below, and the totals per currency, which double entry keeps at zero. */
    public static List<String> problems(Database db) {
        List<String> problems = new ArrayList<>(db.inTransaction(tx -> tx.query(
                "SELECT currency, SUM(balance) FROM ledger_accounts GROUP BY currency HAVING SUM(balance) <> 0 ORDER BY currency",
                row -> "the balances in " + row.getString(1) + " sum to " + row.getLong(2) + ", not 0")));
        problems.addAll(accountsBeyondTheirLimit(db));
        problems.addAll(accountsOutOfStepWithTheirPostings(db));
        problems.addAll(transfersNotPostedExactlyOnceEachWay(db));
        return problems;
    }

    public static List<String> accountsBeyondTheirLimit(Database db) {
        return db.inTransaction(tx -> tx.query(
                "SELECT id, balance, credit_limit FROM ledger_accounts WHERE balance < -credit_limit ORDER BY id",
                row -> row.getString("id") + " balance " + row.getLong("balance") + " limit " + row.getLong("credit_limit")));
    }

    /**
     * Accounts whose balance is not the sum of their postings, or whose postings, in order, do
     * not each leave the balance they record.
     */
    public static List<String> accountsOutOfStepWithTheirPostings(Database db) {
        return db.inTransaction(tx -> {
            List<String> wrong = new ArrayList<>(tx.query("""
                    SELECT a.id, a.balance, COALESCE(SUM(p.amount), 0) AS posted
                    FROM ledger_accounts a LEFT JOIN ledger_postings p ON p.account_id = a.id
                    GROUP BY a.id, a.balance
                    HAVING a.balance <> COALESCE(SUM(p.amount), 0)
                    ORDER BY a.id""",
                    row -> row.getString("id") + " balance " + row.getLong("balance") + " but postings sum to " + row.getLong("posted")));
            String[] account = {null};
            long[] running = {0};
            tx.query("SELECT seq, account_id, amount, balance_after FROM ledger_postings ORDER BY account_id, seq", row -> {
                if (!row.getString("account_id").equals(account[0])) {
                    account[0] = row.getString("account_id");
                    running[0] = 0;
                }
                running[0] += row.getLong("amount");
                if (running[0] != row.getLong("balance_after")) {
                    wrong.add(account[0] + " posting " + row.getLong("seq") + " records balance " + row.getLong("balance_after")
                            + " but its history sums to " + running[0]);
                }
                return null;
            });
            return wrong;
        });
    }

    /** Transfers other than one debit of the amount from the payer and one credit to the payee. */
    public static List<String> transfersNotPostedExactlyOnceEachWay(Database db) {
        return db.inTransaction(tx -> tx.query("""
                SELECT t.id, COUNT(p.seq) AS postings, COALESCE(SUM(p.amount), 0) AS net,
                       SUM(CASE WHEN p.account_id = t.from_account AND p.amount = -t.amount THEN 1 ELSE 0 END) AS debits,
                       SUM(CASE WHEN p.account_id = t.to_account AND p.amount = t.amount THEN 1 ELSE 0 END) AS credits
                FROM ledger_transfers t LEFT JOIN ledger_postings p ON p.transfer_id = t.id
                GROUP BY t.id
                HAVING COUNT(p.seq) <> 2 OR COALESCE(SUM(p.amount), 0) <> 0
                    OR SUM(CASE WHEN p.account_id = t.from_account AND p.amount = -t.amount THEN 1 ELSE 0 END) <> 1
                    OR SUM(CASE WHEN p.account_id = t.to_account AND p.amount = t.amount THEN 1 ELSE 0 END) <> 1
                ORDER BY t.id""",
                row -> row.getString("id") + ": " + row.getLong("postings") + " postings, net " + row.getLong("net")
                        + ", " + row.getLong("debits") + " debits, " + row.getLong("credits") + " credits"));
    }
}
