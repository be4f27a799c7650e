package escudo.bank;

import escudo.core.Money;
import escudo.core.Text;
import escudo.crypto.VerifyingKey;
import escudo.ledger.Account;
import escudo.ledger.AccountKind;
import escudo.ledger.Ledger;
import escudo.ledger.LedgerException;
import escudo.ledger.TransferRequest;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * The bank every system runs on: its identity and key, its customers with their current
 * accounts, its merchants with their deposit accounts (seed 003, Figs. 2-3), and the double-entry
 * {@link Ledger} in which all money moves. The systems (S0 trades, S2 card authorisation, S3
 * cards) keep their own records and move money only through these accounts.
 */
public final class Bank {

    /** A customer of the bank and the ledger account of its current ("bank") account. */
    public record Customer(String id, String currency, String accountId) {
    }

    /** A merchant (S_id), the key that authenticates its requests, and its deposit account. */
    public record Merchant(String id, String currency, VerifyingKey key, String accountId) {
    }

    /** Longest customer or merchant name. */
    public static final int MAX_NAME_LENGTH = 200;

    private final String bankId;
    private final VerifyingKey publicKey;
    private final Database db;
    private final Ledger ledger;
    private final Clock clock;

    public Bank(String bankId, VerifyingKey publicKey, Database db, Clock clock) {
        this.bankId = Objects.requireNonNull(bankId, "bankId");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ledger = new Ledger(db, clock);
        db.migrate("bank");
    }

    public String bankId() {
        return bankId;
    }

    /** The key that signs what the bank issues (CARD-CERTs, receipts, blacklists, directory entries). */
    public VerifyingKey publicKey() {
        return publicKey;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Database db() {
        return db;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Opens a customer's current account (the "bank account" of seed 003, step 200) with cash
     * paid in at the counter, which enters the ledger from the bank's cash account.
     */
    public void openCustomer(String customerId, String name, Money openingDeposit) {
        Text.requireId("customerId", customerId);
        Text.requireText("name", name, MAX_NAME_LENGTH);
        if (openingDeposit.isNegative()) {
            throw new BankException(BankException.INVALID_AMOUNT, "an opening deposit cannot be negative");
        }
        ensureBankAccounts(openingDeposit.currency());
        String account = customerAccount(customerId);
        db.run(tx -> {
            if (!tx.tryInsert("INSERT INTO issuer_customer (customer_id, name, currency, account_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    customerId, name, openingDeposit.currencyCode(), account, now())) {
                throw new BankException(BankException.DUPLICATE, "customer " + customerId + " already exists");
            }
            ledger.open(tx, account, AccountKind.CUSTOMER_CURRENT, customerId, openingDeposit.currency(), 0);
            if (openingDeposit.isPositive()) {
                ledger.transfer(tx, new TransferRequest("open:" + account, cashAccount(openingDeposit.currency()), account,
                        openingDeposit, "cash paid in at account opening"));
            }
        });
    }

    /** Seed 003, Fig. 3: a merchant's deposit account, identified by S_id, authenticated by its key. */
    public void openMerchant(String merchantId, String name, String currencyCode, VerifyingKey merchantKey) {
        Text.requireId("merchantId", merchantId);
        Text.requireText("name", name, MAX_NAME_LENGTH);
        Currency currency = Money.currency(currencyCode);
        ensureBankAccounts(currency);
        String account = merchantAccount(merchantId);
        db.run(tx -> {
            if (!tx.tryInsert("INSERT INTO issuer_merchant (merchant_id, name, currency, public_key, account_id, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", merchantId, name, currency.getCurrencyCode(), merchantKey.hex(), account, now())) {
                throw new BankException(BankException.DUPLICATE, "merchant " + merchantId + " already exists");
            }
            ledger.open(tx, account, AccountKind.MERCHANT_DEPOSIT, merchantId, currency, 0);
        });
    }

    public Money customerBalance(String customerId) {
        db.inTransaction(tx -> customer(tx, customerId));
        return ledger.balance(customerAccount(customerId));
    }

    public Money merchantBalance(String merchantId) {
        db.inTransaction(tx -> merchant(tx, merchantId));
        return ledger.balance(merchantAccount(merchantId));
    }

    /** The customer, or {@code issuer.unknown-customer}. */
    public Customer customer(Tx tx, String customerId) {
        return tx.queryOne("SELECT customer_id, currency, account_id FROM issuer_customer WHERE customer_id = ?",
                r -> new Customer(r.getString(1), r.getString(2), r.getString(3)), customerId)
                .orElseThrow(() -> unknownCustomer(customerId));
    }

    /** The merchant, or {@code issuer.unknown-merchant}. */
    public Merchant merchant(Tx tx, String merchantId) {
        return tx.queryOne("SELECT merchant_id, currency, public_key, account_id FROM issuer_merchant WHERE merchant_id = ?",
                r -> new Merchant(r.getString(1), r.getString(2), VerifyingKey.ofHex(r.getString(3)), r.getString(4)), merchantId)
                .orElseThrow(() -> new BankException(BankException.UNKNOWN_MERCHANT,
                        "merchant " + merchantId + " has no deposit account at this bank"));
    }

    /** The customer's current account ({@code customer:<id>}), or {@code issuer.unknown-customer}. */
    public Account currentAccount(Tx tx, String customerId) {
        Customer customer = customer(tx, customerId);
        return ledger.find(tx, customer.accountId()).orElseThrow(() -> BankException.missingAccount(
                BankException.UNKNOWN_CUSTOMER, "customer " + customerId + " has no ledger account"));
    }

    /** The merchant's deposit account ({@code merchant:<id>}), or {@code issuer.unknown-merchant}. */
    public Account depositAccount(Tx tx, String merchantId) {
        Merchant merchant = merchant(tx, merchantId);
        return ledger.find(tx, merchant.accountId()).orElseThrow(() -> BankException.missingAccount(
                BankException.UNKNOWN_MERCHANT, "merchant " + merchantId + " has no ledger account"));
    }

    /** The customer's name as the bank holds it (printed on an S2 payment card), or {@code issuer.unknown-customer}. */
    public String customerName(Tx tx, String customerId) {
        return tx.queryOne("SELECT name FROM issuer_customer WHERE customer_id = ?", r -> r.getString(1), customerId)
                .orElseThrow(() -> unknownCustomer(customerId));
    }

    public String merchantName(Tx tx, String merchantId) {
        return tx.queryOne("SELECT name FROM issuer_merchant WHERE merchant_id = ?", r -> r.getString(1), merchantId)
                .orElseThrow(() -> new BankException(BankException.UNKNOWN_MERCHANT, "merchant " + merchantId + " has no account at this bank"));
    }

    /** Moves a customer's own money; a shortfall is the customer's, reported as {@code issuer.insufficient-funds}. */
    public void moveCustomerFunds(Tx tx, String transferId, Customer customer, String toAccount, Money amount, String memo) {
        try {
            ledger.transfer(tx, new TransferRequest(transferId, customer.accountId(), toAccount, amount, memo));
        } catch (LedgerException e) {
            if (e.code() == LedgerException.INSUFFICIENT_FUNDS) {
                throw new BankException(BankException.INSUFFICIENT_FUNDS,
                        "customer " + customer.id() + " has less than " + amount + " in the bank account");
            }
            throw e;
        }
    }

    /** Where cash paid in over the counter enters the ledger (its balance goes negative). */
    public static String cashAccount(Currency currency) {
        return "bank:cash:" + currency.getCurrencyCode();
    }

    /** The bank's own funds: it pays merchants for credit-card payments and keeps the fees. */
    public static String ownAccount(Currency currency) {
        return "bank:own:" + currency.getCurrencyCode();
    }

    private static String customerAccount(String customerId) {
        return "customer:" + customerId;
    }

    private static String merchantAccount(String merchantId) {
        return "merchant:" + merchantId;
    }

    private static BankException unknownCustomer(String customerId) {
        return new BankException(BankException.UNKNOWN_CUSTOMER, "customer " + customerId + " has no account at this bank");
    }

    private void ensureBankAccounts(Currency currency) {
        for (AccountKind kind : List.of(AccountKind.BANK_CASH, AccountKind.BANK_OWN)) {
            String account = kind == AccountKind.BANK_CASH ? cashAccount(currency) : ownAccount(currency);
            if (ledger.find(account).isEmpty()) {
                try {
                    ledger.open(account, kind, bankId, currency, Ledger.UNLIMITED);
                } catch (LedgerException e) {
                    if (e.code() != LedgerException.DUPLICATE_ACCOUNT) {
                        throw e; // another thread opened it first: fine
                    }
                }
            }
        }
    }
}
