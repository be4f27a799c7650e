package escudo.issuer;

import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.ledger.Account;
import escudo.ledger.Ledger;
import escudo.ledger.LedgerException;
import escudo.ledger.TransferRequest;
import escudo.protocol.BankShare;
import escudo.protocol.Blacklist;
import escudo.protocol.CardCertificate;
import escudo.protocol.CardKind;
import escudo.protocol.DepositReceipt;
import escudo.protocol.DepositRequest;
import escudo.protocol.WithdrawalAck;
import escudo.protocol.WithdrawalRequest;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * The bank of seed 003: it opens customer and merchant accounts, issues cards, clears the
 * merchants' offline payments, tops cards up and keeps the blacklist. Money moves only through the
 * double-entry {@link Ledger}, in the same transaction as the bank's own records.
 */
public final class Issuer {

    /** How far a signed request's time may be from the bank's clock. */
    public static final Duration FRESHNESS = Duration.ofMinutes(5);

    /**
     * @param bankId the bank's identity in every CARD-CERT
     * @param cardValidity how long a CARD-CERT is valid from issue or renewal
     * @param creditFeeBasisPoints the merchant fee on credit-card payments, in 1/100 of a percent
     */
    public record Settings(String bankId, Duration cardValidity, int creditFeeBasisPoints) {
        public Settings {
            Objects.requireNonNull(bankId, "bankId");
            Objects.requireNonNull(cardValidity, "cardValidity");
            if (creditFeeBasisPoints < 0 || creditFeeBasisPoints > 10_000) {
                throw new IllegalArgumentException("fee must be 0..10000 basis points");
            }
        }

        public static Settings defaults(String bankId) {
            return new Settings(bankId, Duration.ofDays(365), 150);
        }
    }

    static final String LEDGER_INSUFFICIENT_FUNDS = "ledger.insufficient-funds";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings settings;
    private final Database db;
    private final Ledger ledger;
    private final SigningKey bankKey;
    private final Clock clock;
    private final CardRegistry cards = new CardRegistry();
    private final DepositClearing clearing;
    private final WithdrawalDesk withdrawals;

    public Issuer(Settings settings, Database db, SigningKey bankKey, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.db = Objects.requireNonNull(db, "db");
        this.bankKey = Objects.requireNonNull(bankKey, "bankKey");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ledger = new Ledger(db);
        db.migrate("issuer");
        this.clearing = new DepositClearing(this, cards);
        this.withdrawals = new WithdrawalDesk(this, cards);
    }

    public String bankId() {
        return settings.bankId();
    }

    public VerifyingKey publicKey() {
        return bankKey.verifyingKey();
    }

    public Ledger ledger() {
        return ledger;
    }

    // ---- account opening (seed 003, Figs. 2-4) ----

    /**
     * Opens a customer's current account (the "bank account" of step 200) with cash paid in at
     * the counter, which enters the ledger from the bank's cash account.
     */
    public void openCustomer(String customerId, String name, Money openingDeposit) {
        requireId(customerId, "customer id");
        requireId(name, "customer name");
        ensureBankAccounts(openingDeposit.currency());
        String account = customerAccount(customerId);
        db.run(tx -> {
            if (!tx.tryInsert("INSERT INTO issuer_customer (customer_id, name, currency, account_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    customerId, name, openingDeposit.currencyCode(), account, now())) {
                throw new IssuerException(Kind.CONFLICT, IssuerException.DUPLICATE, "customer " + customerId + " already exists");
            }
            ledger.open(tx, account, customerId, openingDeposit.currency(), 0);
            if (openingDeposit.isPositive()) {
                ledger.transfer(tx, new TransferRequest("open:" + account, cashAccount(openingDeposit.currency()), account,
                        openingDeposit, "cash paid in at account opening"));
            }
        });
    }

    /** Seed 003, Fig. 3: a merchant's deposit account, identified by S_id, authenticated by its key. */
    public void openMerchant(String merchantId, String name, String currencyCode, VerifyingKey merchantKey) {
        requireId(merchantId, "S_id");
        requireId(name, "merchant name");
        Currency currency = Money.currency(currencyCode);
        ensureBankAccounts(currency);
        String account = merchantAccount(merchantId);
        db.run(tx -> {
            if (!tx.tryInsert("INSERT INTO issuer_merchant (merchant_id, name, currency, public_key, account_id, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", merchantId, name, currency.getCurrencyCode(), merchantKey.hex(), account, now())) {
                throw new IssuerException(Kind.CONFLICT, IssuerException.DUPLICATE, "merchant " + merchantId + " already exists");
            }
            ledger.open(tx, account, merchantId, currency, 0);
        });
    }

    /**
     * Seed 003, Fig. 4, steps 210-270: checks the customer, draws a card number and the bank share
     * S_C, signs the CARD-CERT over P_C and the card's P_U, seals S_C to the card, records the card
     * and funds it. The bank keeps P_C only; S_C is forgotten once sealed.
     */
    public IssuedCard issueCard(CardApplication application) {
        Instant now = now();
        return db.inTransaction(tx -> {
            CustomerRow customer = customer(tx, application.customerId());
            Money amount = application.amount();
            if (!amount.currency().getCurrencyCode().equals(customer.currency())) {
                throw new IssuerException(Kind.INVALID, IssuerException.CURRENCY_MISMATCH,
                        "customer " + customer.id() + " banks in " + customer.currency() + ", not " + amount.currencyCode());
            }
            if (amount.minorUnits() < 0 || (application.kind() != CardKind.CASH && !amount.isPositive())) {
                throw new IssuerException(Kind.INVALID, IssuerException.INVALID_APPLICATION,
                        application.kind() == CardKind.CASH ? "the initial value cannot be negative"
                                : "a " + application.kind() + " card needs a positive " + (application.kind() == CardKind.CREDIT ? "credit limit" : "number of cheques"));
            }
            KeyShare bankShare = KeyShare.generate();
            for (int attempt = 0; attempt < 5; attempt++) {
                String cardNumber = CardNumbers.next(RANDOM);
                CardCertificate cert = CardCertificate.issue(bankId(), cardNumber, application.kind(), customer.currency(),
                        validFrom(now), now.plus(settings.cardValidity()), "", bankShare.publicShare(), application.userShare(), bankKey);
                String account = application.kind() == CardKind.CHEQUE ? null : cardAccount(cardNumber);
                if (!cards.insert(tx, cert, customer.id(), account, now)) {
                    continue; // card number taken: draw another
                }
                switch (application.kind()) {
                    case CASH -> {
                        ledger.open(tx, account, customer.id(), amount.currency(), 0);
                        if (amount.isPositive()) {
                            moveCustomerFunds(tx, "issue:" + cardNumber, customer, account, amount, "initial value of card " + cardNumber);
                        }
                    }
                    case CREDIT -> ledger.open(tx, account, customer.id(), amount.currency(), amount.minorUnits());
                    case CHEQUE -> { }
                }
                byte[] sealed;
                try {
                    sealed = BankShare.seal(bankShare, application.transportKey(), cardNumber);
                } catch (EscudoException e) {
                    throw new IssuerException(Kind.INVALID, IssuerException.INVALID_APPLICATION, "the card's transport key is not an X25519 key");
                }
                return new IssuedCard(cert, sealed, publicKey(), amount.minorUnits());
            }
            throw new IssuerException(Kind.INTERNAL, "issuer.card-number-exhausted", "could not draw a free card number");
        });
    }

    // ---- the S3 protocols ----

    /** Seed 003, Fig. 9: clears a merchant's batch of offline payments. */
    public DepositReceipt deposit(DepositRequest request) {
        return clearing.deposit(request);
    }

    /** Seed 003, Fig. 10: tops a card up (or settles a credit card, or renews its CARD-CERT). */
    public WithdrawalAck withdraw(WithdrawalRequest request) {
        return withdrawals.withdraw(request);
    }

    /** The current blacklist, signed and dated, for merchants to fetch (seed 003, step 420). */
    public Blacklist blacklist() {
        return Blacklist.sign(bankId(), now(), db.inTransaction(cards::blacklisted), bankKey);
    }

    public List<Alert> alerts() {
        return db.inTransaction(tx -> tx.query("SELECT * FROM issuer_alert ORDER BY alert_id",
                r -> new Alert(r.getLong("alert_id"), r.getString("card_number"), r.getString("kind"),
                        r.getString("detail"), Tx.instant(r, "created_at"))));
    }

    public CardAccount card(String cardNumber) {
        CardRegistry.Row row = db.inTransaction(tx -> cards.require(tx, cardNumber));
        Money balance = row.accountId() == null ? Money.zero(Money.currency(row.certificate().currency()))
                : ledger.balance(row.accountId());
        return new CardAccount(row.cardNumber(), row.customerId(), row.kind(), row.certificate(), balance,
                row.lastSequence(), row.blacklistedAt(), row.blacklistReason());
    }

    public Money customerBalance(String customerId) {
        db.inTransaction(tx -> customer(tx, customerId));
        return ledger.balance(customerAccount(customerId));
    }

    public Money merchantBalance(String merchantId) {
        db.inTransaction(tx -> merchant(tx, merchantId));
        return ledger.balance(merchantAccount(merchantId));
    }

    // ---- for the S0 trade centre (escudo.issuer.trade), inside its transaction ----

    /** The customer's current account ({@code customer:<id>}), or {@code issuer.unknown-customer}. */
    public Account currentAccount(Tx tx, String customerId) {
        CustomerRow customer = customer(tx, customerId);
        return ledger.find(tx, customer.accountId()).orElseThrow(() -> new IssuerException(Kind.INTERNAL,
                IssuerException.UNKNOWN_CUSTOMER, "customer " + customerId + " has no ledger account"));
    }

    /** The merchant's deposit account ({@code merchant:<id>}), or {@code issuer.unknown-merchant}. */
    public Account depositAccount(Tx tx, String merchantId) {
        MerchantRow merchant = merchant(tx, merchantId);
        return ledger.find(tx, merchant.accountId()).orElseThrow(() -> new IssuerException(Kind.INTERNAL,
                IssuerException.UNKNOWN_MERCHANT, "merchant " + merchantId + " has no ledger account"));
    }

    /** The customer's name as the bank holds it (printed on the S2 payment card), or {@code issuer.unknown-customer}. */
    public String customerName(Tx tx, String customerId) {
        return tx.queryOne("SELECT name FROM issuer_customer WHERE customer_id = ?", r -> r.getString(1), customerId)
                .orElseThrow(() -> new IssuerException(Kind.NOT_FOUND, IssuerException.UNKNOWN_CUSTOMER,
                        "customer " + customerId + " has no account at this bank"));
    }

    // ---- shared with the protocol classes of this package ----

    record CustomerRow(String id, String currency, String accountId) {
    }

    record MerchantRow(String id, String currency, VerifyingKey key, String accountId) {
    }

    CustomerRow customer(Tx tx, String customerId) {
        return tx.queryOne("SELECT customer_id, currency, account_id FROM issuer_customer WHERE customer_id = ?",
                r -> new CustomerRow(r.getString(1), r.getString(2), r.getString(3)), customerId)
                .orElseThrow(() -> new IssuerException(Kind.NOT_FOUND, IssuerException.UNKNOWN_CUSTOMER,
                        "customer " + customerId + " has no account at this bank"));
    }

    MerchantRow merchant(Tx tx, String merchantId) {
        return tx.queryOne("SELECT merchant_id, currency, public_key, account_id FROM issuer_merchant WHERE merchant_id = ?",
                r -> new MerchantRow(r.getString(1), r.getString(2), VerifyingKey.ofHex(r.getString(3)), r.getString(4)), merchantId)
                .orElseThrow(() -> new IssuerException(Kind.NOT_FOUND, IssuerException.UNKNOWN_MERCHANT,
                        "merchant " + merchantId + " has no deposit account at this bank"));
    }

    /** Moves a customer's own money; a shortfall is the customer's, reported as such. */
    void moveCustomerFunds(Tx tx, String transferId, CustomerRow customer, String toAccount, Money amount, String memo) {
        try {
            ledger.transfer(tx, new TransferRequest(transferId, customer.accountId(), toAccount, amount, memo));
        } catch (LedgerException e) {
            if (Issuer.LEDGER_INSUFFICIENT_FUNDS.equals(e.code())) {
                throw new IssuerException(Kind.REFUSED, IssuerException.INSUFFICIENT_FUNDS,
                        "customer " + customer.id() + " has less than " + amount + " in the bank account");
            }
            throw e;
        }
    }

    void alert(Tx tx, String cardNumber, String kind, String detail) {
        tx.update("INSERT INTO issuer_alert (card_number, kind, detail, created_at) VALUES (?, ?, ?, ?)", cardNumber, kind, detail, now());
    }

    Instant now() {
        return clock.instant();
    }

    /** Certificates start a little in the past, so a card whose clock lags the bank's accepts them. */
    static Instant validFrom(Instant now) {
        return now.minus(FRESHNESS);
    }

    Settings settings() {
        return settings;
    }

    SigningKey bankKey() {
        return bankKey;
    }

    Database db() {
        return db;
    }

    static String customerAccount(String customerId) {
        return "customer:" + customerId;
    }

    static String merchantAccount(String merchantId) {
        return "merchant:" + merchantId;
    }

    static String cardAccount(String cardNumber) {
        return "card:" + cardNumber;
    }

    /** Where cash paid in over the counter enters the ledger (its balance goes negative). */
    static String cashAccount(Currency currency) {
        return "bank:cash:" + currency.getCurrencyCode();
    }

    /** The bank's own funds: it pays merchants for credit-card payments and keeps the fees. */
    static String ownAccount(Currency currency) {
        return "bank:own:" + currency.getCurrencyCode();
    }

    private void ensureBankAccounts(Currency currency) {
        for (String account : List.of(cashAccount(currency), ownAccount(currency))) {
            if (ledger.find(account).isEmpty()) {
                try {
                    ledger.open(account, bankId(), currency, Ledger.UNLIMITED);
                } catch (LedgerException e) {
                    if (!"ledger.duplicate-account".equals(e.code())) {
                        throw e; // another thread opened it first: fine
                    }
                }
            }
        }
    }

    private static void requireId(String value, String what) {
        if (value == null || value.isBlank() || value.length() > 64) {
            throw new IssuerException(Kind.INVALID, IssuerException.INVALID_APPLICATION, what + " must be 1 to 64 characters");
        }
    }
}
