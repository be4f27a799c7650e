package escudo.ledger;

import escudo.core.Money;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
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
 * <p>A hold (a pending transfer, as TigerBeetle has them) reserves an amount on the paying
 * account at once and moves it later, when it is {@link #post posted}, or releases it, when it is
 * {@link #voidHold voided} or expires. What an account may spend, by transfer or by hold, is its
 * balance less its pending debits, within its credit limit, so holds never together overdraw it.
 * Holds share the id space of transfers, and are idempotent by id in the same way.
 *
 * <p>Each operation has a variant taking a {@link Tx}, so that a caller can record its own rows
 * in the same transaction; the variants without one run in a transaction of their own.
 */
public final class Ledger {

    /** Credit limit of an account that may go negative without bound: the bank's link to the outside. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private static final int MAX_OWNER_LENGTH = 200;

    private static final String ACCOUNT_COLUMNS = "id, kind, owner, currency, credit_limit, balance, pending_debits, pending_credits, opened_at";
    private static final String TRANSFER_COLUMNS = "id, from_account, to_account, amount, currency, memo, created_at, hold, state,"
            + " expires_at, settled_at";

    private final Database db;
    private final Clock clock;

    /** Wraps {@code db}, creating or updating the ledger's tables; holds expire by the system clock. */
    public Ledger(Database db) {
        this(db, Clock.systemUTC());
    }

    /** Wraps {@code db}, creating or updating the ledger's tables; {@code clock} dates every row and expires holds. */
    public Ledger(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        db.migrate("ledger");
    }

    public Account open(String accountId, AccountKind kind, String owner, Currency currency, long creditLimitMinor) {
        return db.inTransaction(tx -> open(tx, accountId, kind, owner, currency, creditLimitMinor));
    }

    /** Opens an account with a zero balance; fails with {@code ledger.duplicate-account} if the id is taken. */
    public Account open(Tx tx, String accountId, AccountKind kind, String owner, Currency currency, long creditLimitMinor) {
        TransferRequest.requireId("account id", accountId);
        if (kind == null) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, "account needs a kind");
        }
        if (owner == null || owner.isBlank() || owner.length() > MAX_OWNER_LENGTH) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, "owner must be 1 to " + MAX_OWNER_LENGTH + " characters");
        }
        if (currency == null) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, "account needs a currency");
        }
        requireCreditLimit(creditLimitMinor);
        Money zero = Money.zero(currency);
        Account account = new Account(accountId, kind, owner, currency, creditLimitMinor, zero, zero, zero, now());
        boolean inserted = tx.tryInsert("INSERT INTO ledger_accounts (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?)",
                accountId, kind.name(), owner, currency.getCurrencyCode(), creditLimitMinor, account.openedAt());
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
     * transfer moved something else, or the id is a hold's). The payer may spend its available
     * amount, what its pending holds leave. Writes nothing when it refuses but the voiding of
     * the payer's expired holds, which stands if the caller's transaction commits.
     */
    public Transfer transfer(Tx tx, TransferRequest request) {
        Map<String, Account> locked = lock(tx, request.fromAccount(), request.toAccount());
        // Looked up only under the locks: a concurrent request with this id over the same
        // accounts held them until it committed, so it is visible now and this call replays it.
        Optional<Recorded> recorded = findRecorded(tx, request.transferId());
        if (recorded.isPresent()) {
            return replay(recorded.get(), request);
        }
        Account from = accountIn(locked, request.fromAccount(), request);
        Account to = accountIn(locked, request.toAccount(), request);
        long amount = request.amount().minorUnits();
        requireAvailable(from, to, request.amount());
        Transfer transfer = new Transfer(request.transferId(), from.id(), to.id(), request.amount(), request.memo(), now(), false);
        // Balances change relative to the stored value, with the limit checked in the same
        // statement, so no write ever rests on a balance read earlier (H2's FOR UPDATE may return
        // a value that a transfer committing meanwhile has changed). All four writes stand or fall
        // together under a savepoint, so a refusal leaves the caller's transaction usable.
        return tx.atomically(() -> {
            if (!insert(tx, request.transferId(), from, to, request.amount(), request.memo(), transfer.createdAt(), false, null)) {
                // The unique key is the backstop for a concurrent request with this id over other
                // accounts, which the locks did not serialize; it moved something else by definition.
                return findRecorded(tx, request.transferId()).map(winner -> replay(winner, request))
                        .orElseThrow(() -> new LedgerException(LedgerException.TRANSFER_CONFLICT,
                                "transfer id '" + request.transferId() + "' is in use by a concurrent transfer"));
            }
            debit(tx, from, request.amount());
            tx.update("UPDATE ledger_accounts SET balance = balance + ? WHERE id = ?", amount, to.id());
            post(tx, transfer.id(), from.id(), -amount);
            post(tx, transfer.id(), to.id(), amount);
            return transfer;
        });
    }

    public Hold hold(HoldRequest request) {
        return db.inTransaction(tx -> hold(tx, request));
    }

    /**
     * Reserves the requested amount on the paying account, or, if a hold with this id was already
     * recorded, returns it as it now stands with {@code replayed} set ({@code ledger.transfer-conflict}
     * if it reserves something else, or the id is a transfer's). Refused with
     * {@code ledger.insufficient-funds} when the account's available amount cannot cover it.
     */
    public Hold hold(Tx tx, HoldRequest request) {
        Map<String, Account> locked = lock(tx, request.fromAccount(), request.toAccount());
        Optional<Recorded> recorded = findRecorded(tx, request.holdId());
        if (recorded.isPresent()) {
            return replay(recorded.get(), request);
        }
        TransferRequest movement = request.movement();
        Account from = accountIn(locked, request.fromAccount(), movement);
        Account to = accountIn(locked, request.toAccount(), movement);
        requireAvailable(from, to, request.amount());
        long amount = request.amount().minorUnits();
        Hold hold = new Hold(request.holdId(), from.id(), to.id(), request.amount(), request.memo(), now(), request.expiresAt(),
                Hold.State.PENDING, null, false);
        return tx.atomically(() -> {
            if (!insert(tx, hold.id(), from, to, hold.amount(), hold.memo(), hold.createdAt(), true, hold.expiresAt())) {
                return findRecorded(tx, request.holdId()).map(winner -> replay(winner, request))
                        .orElseThrow(() -> new LedgerException(LedgerException.TRANSFER_CONFLICT,
                                "hold id '" + request.holdId() + "' is in use by a concurrent transfer"));
            }
            if (tx.update("UPDATE ledger_accounts SET pending_debits = pending_debits + ? WHERE id = ?"
                    + " AND balance - pending_debits - ? >= -credit_limit", amount, from.id(), amount) != 1) {
                throw LedgerException.insufficientFunds("account '" + from.id() + "' cannot reserve " + request.amount()
                        + " within its credit limit of " + new Money(from.creditLimitMinor(), from.currency()));
            }
            tx.update("UPDATE ledger_accounts SET pending_credits = pending_credits + ? WHERE id = ?", amount, to.id());
            return hold;
        });
    }

    public Transfer post(String holdId) {
        return db.inTransaction(tx -> post(tx, holdId));
    }

    /**
     * Moves a pending hold's amount, once: the reservation becomes a transfer under the hold's id
     * (dated now), with its two postings. Posting it again returns that transfer with
     * {@code replayed} set. Refused with {@code ledger.unknown-hold}, {@code ledger.hold-voided}
     * and {@code ledger.hold-expired} (also for a hold past its expiry that still reads pending).
     */
    public Transfer post(Tx tx, String holdId) {
        Hold hold = lockHold(tx, holdId);
        switch (hold.state()) {
            case POSTED -> {
                return transferOf(hold).asReplay();
            }
            case VOIDED -> throw new LedgerException(LedgerException.HOLD_VOIDED, "hold '" + holdId + "' was voided");
            case EXPIRED -> throw expired(hold);
            case PENDING -> {
                if (hold.expiredAt(now())) {
                    throw expired(hold); // released by the next payment from its account or voidExpiredHolds()
                }
            }
        }
        Instant now = now();
        long amount = hold.amount().minorUnits();
        try {
            Math.addExact(find(tx, hold.toAccount()).orElseThrow().balance().minorUnits(), amount);
        } catch (ArithmeticException e) {
            throw new LedgerException(LedgerException.INVALID_AMOUNT, "amount " + hold.amount() + " is out of range for these accounts");
        }
        return tx.atomically(() -> {
            settle(tx, hold, Hold.State.POSTED, now);
            // The amount leaves the balance and the pending debits together: what is available does not change.
            tx.update("UPDATE ledger_accounts SET balance = balance - ?, pending_debits = pending_debits - ? WHERE id = ?",
                    amount, amount, hold.fromAccount());
            tx.update("UPDATE ledger_accounts SET balance = balance + ?, pending_credits = pending_credits - ? WHERE id = ?",
                    amount, amount, hold.toAccount());
            post(tx, hold.id(), hold.fromAccount(), -amount);
            post(tx, hold.id(), hold.toAccount(), amount);
            return new Transfer(hold.id(), hold.fromAccount(), hold.toAccount(), hold.amount(), hold.memo(), now, false);
        });
    }

    public Hold voidHold(String holdId) {
        return db.inTransaction(tx -> voidHold(tx, holdId));
    }

    /**
     * Releases a pending hold's reservation; nothing moves. A hold already voided or expired is
     * returned as it stands with {@code replayed} set. Refused with {@code ledger.unknown-hold} and
     * {@code ledger.hold-posted}.
     */
    public Hold voidHold(Tx tx, String holdId) {
        Hold hold = lockHold(tx, holdId);
        return switch (hold.state()) {
            case POSTED -> throw new LedgerException(LedgerException.HOLD_POSTED, "hold '" + holdId + "' was posted");
            case VOIDED, EXPIRED -> hold.asReplay();
            case PENDING -> {
                Instant now = now();
                Hold.State state = hold.expiredAt(now) ? Hold.State.EXPIRED : Hold.State.VOIDED;
                yield tx.atomically(() -> release(tx, hold, state, now));
            }
        };
    }

    /**
     * Voids every pending hold whose expiry has passed, releasing its reservation, each in a
     * transaction of its own; returns how many. A payment from an account releases that
     * account's expired holds by itself, so this is for the reservations nobody touches.
     */
    public int voidExpiredHolds() {
        List<String> expired = db.inTransaction(tx -> tx.query(
                "SELECT id FROM ledger_transfers WHERE state = 'PENDING' AND expires_at <= ? ORDER BY expires_at, id",
                row -> row.getString(1), now()));
        int voided = 0;
        for (String id : expired) {
            if (!db.inTransaction(tx -> voidHold(tx, id)).replayed()) {
                voided++;
            }
        }
        return voided;
    }

    public Optional<Hold> findHold(String holdId) {
        return db.inTransaction(tx -> findHold(tx, holdId));
    }

    /** The hold with this id as it now stands; empty for an unknown id or a plain transfer's. */
    public Optional<Hold> findHold(Tx tx, String holdId) {
        return findRecorded(tx, holdId).filter(Recorded::hold).map(Recorded::value);
    }

    /**
     * Locks the accounts of a transfer or hold, and the payees of the payer's expired holds, in
     * one global order, sorted by id, so that transfers sharing an account queue up behind each
     * other instead of deadlocking; then voids those expired holds, so that what they reserved
     * is available again. Returns the accounts as they stand after that.
     */
    private Map<String, Account> lock(Tx tx, String fromAccount, String toAccount) {
        Instant now = now();
        List<Hold> expired = tx.query("SELECT " + TRANSFER_COLUMNS + " FROM ledger_transfers"
                + " WHERE from_account = ? AND state = 'PENDING' AND expires_at <= ?", row -> recorded(row).value(), fromAccount, now);
        TreeSet<String> ids = new TreeSet<>(List.of(fromAccount, toAccount));
        expired.forEach(hold -> ids.add(hold.toAccount()));
        Map<String, Account> locked = lockAccounts(tx, ids);
        if (expired.isEmpty()) {
            return locked;
        }
        for (Hold hold : expired) {
            // Still pending under the locks? A concurrent call may have voided or posted it first.
            if (tx.queryOne("SELECT state FROM ledger_transfers WHERE id = ? FOR UPDATE", row -> row.getString(1), hold.id())
                    .filter("PENDING"::equals).isPresent()) {
                release(tx, hold, Hold.State.EXPIRED, now);
            }
        }
        return lockAccounts(tx, ids);
    }

    private static Map<String, Account> lockAccounts(Tx tx, TreeSet<String> ids) {
        Map<String, Account> locked = new HashMap<>();
        for (String id : ids) {
            tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM ledger_accounts WHERE id = ? FOR UPDATE", Ledger::account, id)
                    .ifPresent(account -> locked.put(id, account));
        }
        return locked;
    }

    /** The hold with this id, read under the locks of its two accounts and of its own row. */
    private Hold lockHold(Tx tx, String holdId) {
        TransferRequest.requireId("hold id", holdId);
        Hold unlocked = findHold(tx, holdId).orElseThrow(() -> LedgerException.unknownHold(holdId));
        lockAccounts(tx, new TreeSet<>(List.of(unlocked.fromAccount(), unlocked.toAccount())));
        return tx.queryOne("SELECT " + TRANSFER_COLUMNS + " FROM ledger_transfers WHERE id = ? FOR UPDATE", Ledger::recorded, holdId)
                .orElseThrow().value();
    }

    private static LedgerException expired(Hold hold) {
        return new LedgerException(LedgerException.HOLD_EXPIRED, "hold '" + hold.id() + "' expired at " + hold.expiresAt());
    }

    /** Ends a pending hold without moving its money. */
    private Hold release(Tx tx, Hold hold, Hold.State state, Instant now) {
        long amount = hold.amount().minorUnits();
        settle(tx, hold, state, now);
        tx.update("UPDATE ledger_accounts SET pending_debits = pending_debits - ? WHERE id = ?", amount, hold.fromAccount());
        tx.update("UPDATE ledger_accounts SET pending_credits = pending_credits - ? WHERE id = ?", amount, hold.toAccount());
        return new Hold(hold.id(), hold.fromAccount(), hold.toAccount(), hold.amount(), hold.memo(), hold.createdAt(),
                hold.expiresAt(), state, now, false);
    }

    private static void settle(Tx tx, Hold hold, Hold.State state, Instant now) {
        if (tx.update("UPDATE ledger_transfers SET state = ?, settled_at = ? WHERE id = ? AND state = 'PENDING'",
                state.name(), now, hold.id()) != 1) {
            throw new IllegalStateException("hold " + hold.id() + " is no longer pending under its lock");
        }
    }

    private static boolean insert(Tx tx, String id, Account from, Account to, Money amount, String memo, Instant createdAt,
                                  boolean hold, Instant expiresAt) {
        return tx.tryInsert("INSERT INTO ledger_transfers (id, from_account, to_account, amount, currency, memo, created_at,"
                        + " hold, state, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                id, from.id(), to.id(), amount.minorUnits(), amount.currencyCode(), memo, createdAt, hold,
                hold ? Hold.State.PENDING.name() : Hold.State.POSTED.name(), expiresAt);
    }

    /**
     * Refuses an amount that the payer cannot cover from what is available to it, or that would
     * take either balance out of range once every pending hold is posted.
     */
    private static void requireAvailable(Account from, Account to, Money amount) {
        long minor = amount.minorUnits();
        long availableAfter;
        try {
            availableAfter = Math.subtractExact(from.available().minorUnits(), minor);
            Math.subtractExact(from.balance().minorUnits(), minor);
            Math.addExact(Math.addExact(to.balance().minorUnits(), to.pendingCredits().minorUnits()), minor);
        } catch (ArithmeticException e) {
            throw new LedgerException(LedgerException.INVALID_AMOUNT, "amount " + amount + " is out of range for these accounts");
        }
        if (availableAfter < -from.creditLimitMinor()) {
            throw LedgerException.insufficientFunds("account '" + from.id() + "' has a balance of " + from.balance()
                    + (from.pendingDebits().isPositive() ? ", " + from.pendingDebits() + " of it held," : "")
                    + " and a credit limit of " + new Money(from.creditLimitMinor(), from.currency()) + ": cannot pay " + amount);
        }
    }

    /** Takes the amount from the payer's balance, within what its holds leave available. */
    private static void debit(Tx tx, Account from, Money amount) {
        long minor = amount.minorUnits();
        if (tx.update("UPDATE ledger_accounts SET balance = balance - ? WHERE id = ? AND balance - pending_debits - ? >= -credit_limit",
                minor, from.id(), minor) != 1) {
            throw LedgerException.insufficientFunds("account '" + from.id() + "' cannot pay " + amount
                    + " within its credit limit of " + new Money(from.creditLimitMinor(), from.currency()));
        }
    }

    /** Records one side of a transfer with the balance the account now has. */
    private static void post(Tx tx, String transferId, String accountId, long amount) {
        long balanceAfter = tx.queryOne("SELECT balance FROM ledger_accounts WHERE id = ?", row -> row.getLong(1), accountId).orElseThrow();
        tx.update("INSERT INTO ledger_postings (transfer_id, account_id, amount, balance_after) VALUES (?, ?, ?, ?)",
                transferId, accountId, amount, balanceAfter);
    }

    private static Transfer replay(Recorded recorded, TransferRequest request) {
        if (recorded.hold()) {
            throw new LedgerException(LedgerException.TRANSFER_CONFLICT, "id '" + recorded.value().id() + "' is a hold's");
        }
        Transfer transfer = transferOf(recorded.value());
        if (!request.sameMovementAs(transfer)) {
            throw new LedgerException(LedgerException.TRANSFER_CONFLICT, "transfer '" + transfer.id() + "' already moved "
                    + transfer.amount() + " from '" + transfer.fromAccount() + "' to '" + transfer.toAccount() + "'");
        }
        return transfer.asReplay();
    }

    private static Hold replay(Recorded recorded, HoldRequest request) {
        if (!recorded.hold()) {
            throw new LedgerException(LedgerException.TRANSFER_CONFLICT, "id '" + recorded.value().id() + "' is a transfer's");
        }
        Hold hold = recorded.value();
        if (!request.sameAs(hold)) {
            throw new LedgerException(LedgerException.TRANSFER_CONFLICT, "hold '" + hold.id() + "' already reserves "
                    + hold.amount() + " from '" + hold.fromAccount() + "' for '" + hold.toAccount() + "'");
        }
        return hold.asReplay();
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

    /** The money that moved under this id: a transfer, or a hold once posted (dated when it was posted). */
    public Optional<Transfer> findTransfer(String transferId) {
        return db.inTransaction(tx -> findRecorded(tx, transferId))
                .filter(recorded -> recorded.value().state() == Hold.State.POSTED).map(recorded -> transferOf(recorded.value()));
    }

    /** A row of ledger_transfers: a hold, or a plain transfer read as a hold posted when it was made. */
    private record Recorded(boolean hold, Hold value) {
    }

    private static Optional<Recorded> findRecorded(Tx tx, String id) {
        return tx.queryOne("SELECT " + TRANSFER_COLUMNS + " FROM ledger_transfers WHERE id = ?", Ledger::recorded, id);
    }

    private static Recorded recorded(ResultSet row) throws SQLException {
        Instant createdAt = Tx.instant(row, "created_at");
        boolean hold = row.getBoolean("hold");
        Instant settledAt = hold ? Tx.instant(row, "settled_at") : createdAt;
        return new Recorded(hold, new Hold(row.getString("id"), row.getString("from_account"), row.getString("to_account"),
                Money.of(row.getLong("amount"), row.getString("currency")), row.getString("memo"), createdAt,
                Tx.instant(row, "expires_at"), Hold.State.valueOf(row.getString("state")), settledAt, false));
    }

    /** A posted hold (or plain transfer) as the transfer that moved its money, dated when it moved. */
    private static Transfer transferOf(Hold posted) {
        return new Transfer(posted.id(), posted.fromAccount(), posted.toAccount(), posted.amount(), posted.memo(),
                posted.settledAt(), false);
    }

    public void setCreditLimit(String accountId, long creditLimitMinor) {
        db.run(tx -> {
            setCreditLimit(tx, accountId, creditLimitMinor);
        });
    }

    /**
     * Changes how far below zero the account may go. Refused with {@code ledger.insufficient-funds}
     * if the account already owes, or holds reserve, more than the new limit allows.
     */
    public void setCreditLimit(Tx tx, String accountId, long creditLimitMinor) {
        requireCreditLimit(creditLimitMinor);
        Account account = tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM ledger_accounts WHERE id = ? FOR UPDATE", Ledger::account, accountId)
                .orElseThrow(() -> LedgerException.unknownAccount(accountId));
        if (account.available().minorUnits() < -creditLimitMinor) {
            throw LedgerException.insufficientFunds("account '" + accountId + "' has " + account.available()
                    + " available, below the new credit limit of " + new Money(creditLimitMinor, account.currency()));
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
                    SELECT p.transfer_id, p.account_id, p.amount, p.balance_after, t.currency, t.memo,
                           COALESCE(t.settled_at, t.created_at) AS moved_at,
                           CASE WHEN t.from_account = p.account_id THEN t.to_account ELSE t.from_account END AS counterparty
                    FROM ledger_postings p JOIN ledger_transfers t ON t.id = p.transfer_id
                    WHERE p.account_id = ?
                    ORDER BY p.seq""",
                    row -> {
                        Currency currency = Money.currency(row.getString("currency"));
                        return new Posting(row.getString("transfer_id"), row.getString("account_id"), row.getString("counterparty"),
                                new Money(row.getLong("amount"), currency), new Money(row.getLong("balance_after"), currency),
                                row.getString("memo"), Tx.instant(row, "moved_at"));
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
        return new Account(row.getString("id"), AccountKind.valueOf(row.getString("kind")), row.getString("owner"), currency,
                row.getLong("credit_limit"), new Money(row.getLong("balance"), currency),
                new Money(row.getLong("pending_debits"), currency), new Money(row.getLong("pending_credits"), currency),
                Tx.instant(row, "opened_at"));
    }

    /** Truncated to what PostgreSQL stores, so a value returned now equals the same value read back later. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
