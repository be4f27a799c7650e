package escudo.ledger;

import escudo.core.Money;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The bank's double-entry ledger. Every transfer debits one account and credits another by the
 * same amount, so the balances of each currency always sum to zero: money comes in from outside
 * only through an {@link #UNLIMITED} external account, whose balance goes negative.
 *
 * <p>Each operation has a variant taking a {@link Tx}, so that a caller can record its own rows
 * in the same transaction; the variants without one run in a transaction of their own.
 */
public final class Ledger {

    /** Credit limit of an account that may go negative without bound: the bank's link to the outside. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private static final int MAX_OWNER_LENGTH = 200;

    private static final String ACCOUNT_COLUMNS = "id, owner, currency, credit_limit, balance, opened_at";

    private final Database db;

    /** Wraps {@code db}, creating or updating the ledger's tables. */
    public Ledger(Database db) {
        this.db = Objects.requireNonNull(db, "db");
        db.migrate("ledger");
    }

    public Account open(String accountId, String owner, Currency currency, long creditLimitMinor) {
        return db.inTransaction(tx -> open(tx, accountId, owner, currency, creditLimitMinor));
    }

    /** Opens an account with a zero balance; fails with {@code ledger.duplicate-account} if the id is taken. */
    public Account open(Tx tx, String accountId, String owner, Currency currency, long creditLimitMinor) {
        TransferRequest.requireId("account id", accountId);
        if (owner == null || owner.isBlank() || owner.length() > MAX_OWNER_LENGTH) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, "owner must be 1 to " + MAX_OWNER_LENGTH + " characters");
        }
        if (currency == null) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, "account needs a currency");
        }
        requireCreditLimit(creditLimitMinor);
        Account account = new Account(accountId, owner, currency, creditLimitMinor, Money.zero(currency), now());
        boolean inserted = tx.tryInsert("INSERT INTO ledger_accounts (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?, 0, ?)",
                accountId, owner, currency.getCurrencyCode(), creditLimitMinor, account.openedAt());
        if (!inserted) {
            throw new LedgerException(LedgerException.DUPLICATE_ACCOUNT, "account '" + accountId + "' already exists");
        }
        return account;
    }

    public Transfer transfer(TransferRequest request) {
        return db.inTransaction(tx -> transfer(tx, request));
    }

    /**
     * Moves the requested amount, or, if a transfer with this id was already recorded, returns
     * it with {@code replayed} set and moves nothing ({@code ledger.transfer-conflict} if that
     * transfer moved something else). Writes nothing when it refuses.
     */
    public Transfer transfer(Tx tx, TransferRequest request) {
        // Both rows are locked in one global order, sorted by id, so that transfers sharing an
        // account queue up behind each other instead of deadlocking.
        Map<String, Account> locked = new HashMap<>();
        for (String id : new TreeSet<>(List.of(request.fromAccount(), request.toAccount()))) {
            tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM ledger_accounts WHERE id = ? FOR UPDATE", Ledger::account, id)
                    .ifPresent(account -> locked.put(id, account));
        }
        // Looked up only under the locks: a concurrent request with this id over the same
        // accounts held them until it committed, so it is visible now and this call replays it.
        Optional<Transfer> recorded = findTransfer(tx, request.transferId());
        if (recorded.isPresent()) {
            return replay(recorded.get(), request);
        }
        Account from = accountIn(locked, request.fromAccount(), request);
        Account to = accountIn(locked, request.toAccount(), request);
        long amount = request.amount().minorUnits();
        long fromAfter;
        try {
            fromAfter = Math.subtractExact(from.balance().minorUnits(), amount);
            Math.addExact(to.balance().minorUnits(), amount);
        } catch (ArithmeticException e) {
            throw new LedgerException(LedgerException.INVALID_AMOUNT, "amount " + request.amount() + " is out of range for these accounts");
        }
        if (fromAfter < -from.creditLimitMinor()) {
            throw LedgerException.insufficientFunds("account '" + from.id() + "' has a balance of " + from.balance()
                    + " and a credit limit of " + new Money(from.creditLimitMinor(), from.currency())
                    + ": cannot pay " + request.amount());
        }
        Transfer transfer = new Transfer(request.transferId(), from.id(), to.id(), request.amount(), request.memo(), now(), false);
        // Balances change relative to the stored value, with the limit checked in the same
        // statement, so no write ever rests on a balance read earlier (H2's FOR UPDATE may return
        // a value that a transfer committing meanwhile has changed). All four writes stand or fall
        // together under a savepoint, so a refusal leaves the caller's transaction usable.
        return tx.atomically(() -> {
            boolean inserted = tx.tryInsert("INSERT INTO ledger_transfers (id, from_account, to_account, amount, currency, memo, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    transfer.id(), from.id(), to.id(), amount, request.amount().currencyCode(), transfer.memo(), transfer.createdAt());
            if (!inserted) {
                // The unique key is the backstop for a concurrent request with this id over other
                // accounts, which the locks did not serialize; it moved something else by definition.
                return findTransfer(tx, request.transferId()).map(winner -> replay(winner, request))
                        .orElseThrow(() -> new LedgerException(LedgerException.TRANSFER_CONFLICT,
                                "transfer id '" + request.transferId() + "' is in use by a concurrent transfer"));
            }
            if (tx.update("UPDATE ledger_accounts SET balance = balance - ? WHERE id = ? AND balance - ? >= -credit_limit",
                    amount, from.id(), amount) != 1) {
                throw LedgerException.insufficientFunds("account '" + from.id() + "' cannot pay " + request.amount()
                        + " within its credit limit of " + new Money(from.creditLimitMinor(), from.currency()));
            }
            tx.update("UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?", amount, to.id());
            post(tx, transfer.id(), from.id(), -amount);
            post(tx, transfer.id(), to.id(), amount);
            return transfer;
        });
    }

    /** Records one side of a transfer with the balance the account now has. */
    private static void post(Tx tx, String transferId, String accountId, long amount) {
        long balanceAfter = tx.queryOne("SELECT balance FROM ledger_accounts WHERE id = ?", row -> row.getLong(1), accountId).orElseThrow();
        tx.update("INSERT INTO ledger_postings (transfer_id, account_id, amount, balance_after) VALUES (?, ?, ?, ?)",
                transferId, accountId, amount, balanceAfter);
    }

    private static Transfer replay(Transfer recorded, TransferRequest request) {
        if (!request.sameMovementAs(recorded)) {
            throw new LedgerException(LedgerException.TRANSFER_CONFLICT, "transfer '" + recorded.id() + "' already moved "
                    + recorded.amount() + " from '" + recorded.fromAccount() + "' to '" + recorded.toAccount() + "'");
        }
        return recorded.asReplay();
    }

    private static Account accountIn(Map<String, Account> locked, String id, TransferRequest request) {
        Account account = locked.get(id);
        if (account == null) {
            throw LedgerException.unknownAccount(id);
        }
        if (!account.currency().equals(request.amount().currency())) {
            throw new LedgerException(LedgerException.CURRENCY_MISMATCH, "account '" + id + "' holds "
                    + account.currency().getCurrencyCode() + ", the transfer is in " + request.amount().currencyCode());
        }
        return account;
    }

    public Optional<Transfer> findTransfer(String transferId) {
        return db.inTransaction(tx -> findTransfer(tx, transferId));
    }

    private static Optional<Transfer> findTransfer(Tx tx, String transferId) {
        return tx.queryOne("SELECT id, from_account, to_account, amount, currency, memo, created_at FROM ledger_transfers WHERE id = ?",
                row -> new Transfer(row.getString("id"), row.getString("from_account"), row.getString("to_account"),
                        Money.of(row.getLong("amount"), row.getString("currency")), row.getString("memo"),
                        Tx.instant(row, "created_at"), false),
                transferId);
    }

    public void setCreditLimit(String accountId, long creditLimitMinor) {
        db.run(tx -> {
            setCreditLimit(tx, accountId, creditLimitMinor);
        });
    }

    /**
     * Changes how far below zero the account may go. Refused with {@code ledger.insufficient-funds}
     * if the account already owes more than the new limit allows.
     */
    public void setCreditLimit(Tx tx, String accountId, long creditLimitMinor) {
        requireCreditLimit(creditLimitMinor);
        Account account = tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM ledger_accounts WHERE id = ? FOR UPDATE", Ledger::account, accountId)
                .orElseThrow(() -> LedgerException.unknownAccount(accountId));
        if (account.balance().minorUnits() < -creditLimitMinor) {
            throw LedgerException.insufficientFunds("account '" + accountId + "' has a balance of " + account.balance()
                    + ", below the new credit limit of " + new Money(creditLimitMinor, account.currency()));
        }
        tx.update("UPDATE ledger_accounts SET credit_limit = ? WHERE id = ?", creditLimitMinor, accountId);
    }

    private static void requireCreditLimit(long creditLimitMinor) {
        if (creditLimitMinor < 0) {
            throw new LedgerException(LedgerException.INVALID_CREDIT_LIMIT, "credit limit must not be negative, got " + creditLimitMinor);
        }
    }

    public Money balance(String accountId) {
        return account(accountId).balance();
    }

    /** The account, or {@code ledger.unknown-account}. */
    public Account account(String accountId) {
        return find(accountId).orElseThrow(() -> LedgerException.unknownAccount(accountId));
    }

    public Optional<Account> find(String accountId) {
        return db.inTransaction(tx -> find(tx, accountId));
    }

    public Optional<Account> find(Tx tx, String accountId) {
        return tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM ledger_accounts WHERE id = ?", Ledger::account, accountId);
    }

    /** All accounts, by id. */
    public List<Account> accounts() {
        return db.inTransaction(tx -> tx.query("SELECT " + ACCOUNT_COLUMNS + " FROM ledger_accounts ORDER BY id", Ledger::account));
    }

    /** The account's history, oldest first; {@code ledger.unknown-account} if there is no such account. */
    public List<Posting> postings(String accountId) {
        return db.inTransaction(tx -> {
            find(tx, accountId).orElseThrow(() -> LedgerException.unknownAccount(accountId));
            return tx.query("""
                    SELECT p.transfer_id, p.account_id, p.amount, p.balance_after, t.currency, t.memo, t.created_at,
                           CASE WHEN t.from_account = p.account_id THEN t.to_account ELSE t.from_account END AS counterparty
                    FROM ledger_postings p JOIN ledger_transfers t ON t.id = p.transfer_id
                    WHERE p.account_id = ?
                    ORDER BY p.seq""",
                    row -> {
                        Currency currency = Money.currency(row.getString("currency"));
                        return new Posting(row.getString("transfer_id"), row.getString("account_id"), row.getString("counterparty"),
                                new Money(row.getLong("amount"), currency), new Money(row.getLong("balance_after"), currency),
                                row.getString("memo"), Tx.instant(row, "created_at"));
                    },
                    accountId);
        });
    }

    /**
     * The sum of all balances per currency. Double entry makes each exactly zero; anything else
     * means the ledger is corrupt, which is what this is for checking.
     */
    public Map<Currency, Long> totals() {
        return db.inTransaction(tx -> {
            Map<Currency, Long> totals = new LinkedHashMap<>();
            tx.query("SELECT currency, SUM(balance) AS total FROM ledger_accounts GROUP BY currency ORDER BY currency",
                    row -> totals.put(Money.currency(row.getString("currency")), row.getLong("total")));
            return Collections.unmodifiableMap(totals);
        });
    }

    private static Account account(ResultSet row) throws SQLException {
        Currency currency = Money.currency(row.getString("currency"));
        return new Account(row.getString("id"), row.getString("owner"), currency, row.getLong("credit_limit"),
                new Money(row.getLong("balance"), currency), Tx.instant(row, "opened_at"));
    }

    /** Truncated to what PostgreSQL stores, so a value returned now equals the same value read back later. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
