package escudo.s3.server.issuer;

import escudo.s3.api.Alert;
import escudo.s3.api.CardAccount;
import escudo.s3.api.CardApplication;
import escudo.s3.api.IssuedCard;
import escudo.bank.Bank;
import escudo.bank.BankException;
import escudo.bank.CardNumbers;
import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.ledger.Account;
import escudo.ledger.AccountKind;
import escudo.ledger.Ledger;
import escudo.ledger.LedgerException;
import escudo.ledger.TransferRequest;
import escudo.s3.protocol.BankShare;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
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
 * The bank's side of S3 (seed 003): it issues cards on its customers' accounts, clears the
 * merchants' offline payments, tops cards up and keeps the blacklist. Money moves only through the
 * {@link Bank}'s double-entry ledger, in the same transaction as the card records.
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

    /** The issuer identification prefix of S3 microprocessor cards. */
    static final String CARD_PREFIX = "6099";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings settings;
    private final Bank bank;
    private final Database db;
    private final Ledger ledger;
    private final SigningKey bankKey;
    private final CardRegistry cards = new CardRegistry();
    private final DepositClearing clearing;
    private final WithdrawalDesk withdrawals;

    /** The S3 issuer of {@code bank}, whose key {@code bankKey} must be. */
    public Issuer(Settings settings, Bank bank, SigningKey bankKey) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bank = Objects.requireNonNull(bank, "bank");
        this.bankKey = Objects.requireNonNull(bankKey, "bankKey");
        if (!bankKey.verifyingKey().equals(bank.publicKey()) || !settings.bankId().equals(bank.bankId())) {
            throw new IllegalArgumentException("the S3 issuer signs with the bank's own identity and key");
        }
        this.db = bank.db();
        this.ledger = bank.ledger();
        db.migrate("s3_issuer");
        this.clearing = new DepositClearing(this, cards);
        this.withdrawals = new WithdrawalDesk(this, cards);
    }

    public String bankId() {
        return settings.bankId();
    }

    public VerifyingKey publicKey() {
        return bankKey.verifyingKey();
    }

    // ---- card issuing (seed 003, Fig. 4) ----

    /**
     * Seed 003, Fig. 4, steps 210-270: checks the customer, draws a card number and the bank share
     * S_C, signs the CARD-CERT over P_C and the card's P_U, seals S_C to the card, records the card
     * and funds it. The bank keeps P_C only; S_C is forgotten once sealed.
     */
    public IssuedCard issueCard(CardApplication application) {
        Instant now = now();
        return db.inTransaction(tx -> {
            Bank.Customer customer = customer(tx, application.customerId());
            Money amount = application.amount();
            if (!amount.currency().getCurrencyCode().equals(customer.currency())) {
                throw new IssuerException(IssuerException.CURRENCY_MISMATCH,
                        "customer " + customer.id() + " banks in " + customer.currency() + ", not " + amount.currencyCode());
            }
            if (amount.minorUnits() < 0 || (application.kind() != CardKind.CASH && !amount.isPositive())) {
                throw new IssuerException(BankException.INVALID_APPLICATION,
                        application.kind() == CardKind.CASH ? "the initial value cannot be negative"
                                : "a " + application.kind() + " card needs a positive " + (application.kind() == CardKind.CREDIT ? "credit limit" : "number of cheques"));
            }
            KeyShare bankShare = KeyShare.generate();
            CardCertificate cert = tx.insertWithFreshId(
                    () -> CardCertificate.issue(settings.bankId(), CardNumbers.next(RANDOM, CARD_PREFIX), application.kind(),
                            customer.currency(), validFrom(now), now.plus(settings.cardValidity()), "", bankShare.publicShare(),
                            application.userShare(), bankKey),
                    candidate -> cards.insert(tx, candidate, customer.id(), cardAccount(candidate), now), "card number");
            String cardNumber = cert.cardNumber();
            String account = cardAccount(cert);
            switch (application.kind()) {
                case CASH -> {
                    ledger.open(tx, account, AccountKind.CARD, customer.id(), amount.currency(), 0);
                    if (amount.isPositive()) {
                        moveCustomerFunds(tx, "issue:" + cardNumber, customer, account, amount, "initial value of card " + cardNumber);
                    }
                }
                case CREDIT -> ledger.open(tx, account, AccountKind.CARD, customer.id(), amount.currency(), amount.minorUnits());
                case CHEQUE -> { }
            }
            byte[] sealed;
            try {
                sealed = BankShare.seal(bankShare, application.transportKey().toByteArray(), cardNumber);
            } catch (EscudoException e) {
                throw new IssuerException(BankException.INVALID_APPLICATION, "the card's transport key is not an X25519 key");
            }
            return new IssuedCard(cert, Bytes.of(sealed), publicKey(), amount.minorUnits());
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
        return Blacklist.sign(settings.bankId(), now(), db.inTransaction(cards::blacklisted), bankKey);
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

    // ---- shared with the protocol classes of this package ----

    Bank.Customer customer(Tx tx, String customerId) {
        return bank.customer(tx, customerId);
    }

    Bank.Merchant merchant(Tx tx, String merchantId) {
        return bank.merchant(tx, merchantId);
    }

    void moveCustomerFunds(Tx tx, String transferId, Bank.Customer customer, String toAccount, Money amount, String memo) {
        bank.moveCustomerFunds(tx, transferId, customer, toAccount, amount, memo);
    }

    void alert(Tx tx, String cardNumber, ErrorCode kind, String detail) {
        tx.update("INSERT INTO issuer_alert (card_number, kind, detail, created_at) VALUES (?, ?, ?, ?)", cardNumber, kind.value(),
                detail, now());
    }

    Instant now() {
        return bank.now();
    }

    Ledger ledger() {
        return ledger;
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

    static String cardAccount(String cardNumber) {
        return "card:" + cardNumber;
    }

    /** The ledger account of a card: a cheque card has none (each cheque moves the customer's money). */
    private static String cardAccount(CardCertificate cert) {
        return cert.kind() == CardKind.CHEQUE ? null : cardAccount(cert.cardNumber());
    }
}
