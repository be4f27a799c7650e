package escudo.s3.server.merchant;

import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.DepositSummary;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The service provider of seed 003: presents payment specifications, accepts card payments offline
 * (no call to the bank below the online-clearing limit), keeps them durably and deposits them in
 * batches. It trusts the bank's public key and nothing the card says without a signature.
 */
public final class Merchant {

    /** How long a presented payment specification may be paid. */
    public static final Duration CHECKOUT_LIFETIME = Duration.ofMinutes(15);
    /**
     * How long after it was presented an unpaid checkout is kept: well past its lifetime, so a late
     * payment still hears {@code merchant.checkout-expired}, and a clock set back a little revives none.
     */
    public static final Duration UNPAID_CHECKOUT_RETENTION = Duration.ofHours(1);
    /** Expired checkouts deleted per transaction, so a large backlog never holds one long lock. */
    static final int CHECKOUT_CLEANUP_BATCH = 1_000;

    /**
     * @param merchantId S_id, as registered at the bank
     * @param onlineClearingLimitMinor payments above this amount are cleared with the bank before acceptance
     */
    public record Settings(String merchantId, String bankId, String currency, long onlineClearingLimitMinor) {
        public Settings {
            Objects.requireNonNull(merchantId, "merchantId");
            Objects.requireNonNull(bankId, "bankId");
            Money.currency(currency);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Settings settings;
    private final Database db;
    private final SigningKey merchantKey;
    private final VerifyingKey bankKey;
    private final BankLink bank;
    private final Clock clock;
    /** One deposit run at a time: a second would send the same payments again, harmless (paid once) but twice the work. */
    private final ReentrantLock depositing = new ReentrantLock();

    public Merchant(Settings settings, Database db, SigningKey merchantKey, VerifyingKey bankKey, BankLink bank, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.db = Objects.requireNonNull(db, "db");
        this.merchantKey = Objects.requireNonNull(merchantKey, "merchantKey");
        this.bankKey = Objects.requireNonNull(bankKey, "bankKey");
        this.bank = Objects.requireNonNull(bank, "bank");
        this.clock = Objects.requireNonNull(clock, "clock");
        db.migrate("s3_merchant");
    }

    public String merchantId() {
        return settings.merchantId();
    }

    public VerifyingKey publicKey() {
        return merchantKey.verifyingKey();
    }

    /** Seed 003, step 440: the payment specification the user is asked to approve. */
    public PaymentSpec checkout(Money amount, String details) {
        if (!amount.currencyCode().equals(settings.currency())) {
            throw new MerchantException(MerchantException.INVALID_CHECKOUT,
                    "this merchant sells in " + settings.currency() + ", not " + amount.currencyCode());
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        PaymentSpec spec;
        try {
            spec = new PaymentSpec(settings.merchantId(), clock.instant(), amount, details, HexFormat.of().formatHex(random));
        } catch (escudo.s3.protocol.ProtocolException e) {
            throw new MerchantException(MerchantException.INVALID_CHECKOUT, e.getMessage());
        }
        db.run(tx -> {
            tx.update("INSERT INTO merchant_checkout (reference, amount_minor, currency, details, spec_time) VALUES (?, ?, ?, ?, ?)",
                    spec.reference(), amount.minorUnits(), amount.currencyCode(), spec.details(), spec.time());
        });
        return spec;
    }

    /**
     * Seed 003, step 440, on the holder's side: the specification the till presented under
     * {@code reference}, for the holder's terminal to show and the card to sign. Only an unpaid,
     * unexpired one is handed out; the reference is the till's to give, 128 random bits.
     */
    public PaymentSpec presented(String reference) {
        record Presented(PaymentSpec spec, boolean paid) {
        }
        Presented found = db.inTransaction(tx -> tx.queryOne("SELECT * FROM merchant_checkout WHERE reference = ?",
                r -> new Presented(new PaymentSpec(settings.merchantId(), Tx.instant(r, "spec_time"),
                        Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("details"), r.getString("reference")),
                        r.getBoolean("paid")), reference)).orElseThrow(() -> new MerchantException(MerchantException.UNKNOWN_CHECKOUT,
                "this merchant presented no payment specification " + reference));
        if (found.paid()) {
            throw new MerchantException(MerchantException.DUPLICATE_PAYMENT, "checkout " + reference + " is already paid");
        }
        if (clock.instant().isAfter(found.spec().time().plus(CHECKOUT_LIFETIME))) {
            throw new MerchantException(MerchantException.CHECKOUT_EXPIRED, "checkout " + reference + " expired");
        }
        return found.spec();
    }

    /**
     * Deletes the unpaid checkouts presented more than {@link #UNPAID_CHECKOUT_RETENTION} ago, in
     * batches; a paid one stays, its payment is deposited with it. Returns how many went.
     */
    public int forgetExpiredCheckouts() {
        Instant before = clock.instant().minus(UNPAID_CHECKOUT_RETENTION);
        int total = 0;
        int deleted;
        do {
            deleted = db.inTransaction(tx -> tx.update("DELETE FROM merchant_checkout WHERE reference IN (SELECT reference"
                    + " FROM merchant_checkout WHERE paid = FALSE AND spec_time < ? LIMIT ?)", before, CHECKOUT_CLEANUP_BATCH));
            total += deleted;
        } while (deleted == CHECKOUT_CLEANUP_BATCH);
        return total;
    }

    /**
     * Seed 003, Fig. 8, steps 410-420 and 540-570: checks the CARD-CERT (bank signature, validity now
     * and at the specification's time, the local blacklist), that the PAYMENT-CERT signs exactly the
     * specification this merchant presented, with the card's joint key, and that it was not accepted
     * before; above the limit clears it online first. The payment is stored before the answer is given.
     */
    public AcceptedPayment accept(CardCertificate card, PaymentCertificate payment) {
        Instant now = clock.instant();
        card.verify(bankKey, settings.bankId(), now);
        // The bank checks the CARD-CERT at the specification's time, the only time a payment carries:
        // a card issued or renewed after the checkout was presented would be refused at deposit.
        card.checkValidAt(payment.spec().time());
        if (isBlacklisted(card.cardNumber())) {
            throw new MerchantException(MerchantException.CARD_BLACKLISTED,
                    "card " + card.cardNumber() + " is on the bank's blacklist");
        }
        payment.verify(card);
        PaymentSpec spec = payment.spec();
        db.run(tx -> {
            claimCheckout(tx, spec, now);
            if (!tx.tryInsert("INSERT INTO merchant_payment (card_number, serial, reference, card_cert, cert_signature, signature,"
                            + " amount_minor, currency, status, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'COLLECTED', ?)",
                    payment.cardNumber(), payment.serial(), spec.reference(), B64.encodeToString(card.signedBytes()),
                    card.signature().base64(), payment.signature().base64(),
                    spec.amount().minorUnits(), spec.amount().currencyCode(), now)) {
                throw new MerchantException(MerchantException.DUPLICATE_PAYMENT,
                        "payment ser# " + payment.serial() + " of card " + payment.cardNumber() + " was already accepted");
            }
        });
        if (spec.amount().minorUnits() > settings.onlineClearingLimitMinor()) {
            clearOnline(card, payment);
        }
        return payment(payment.cardNumber(), payment.serial());
    }

    /**
     * Step 540's online variant: above the limit the payment, already stored, is deposited on its own
     * before the goods go. The call to the bank is outside any transaction of ours, so an answer lost
     * on the way can be asked for again: the same request is answered without paying twice.
     */
    private void clearOnline(CardCertificate card, PaymentCertificate payment) {
        DepositRequest request = signedDeposit(List.of(new DepositRequest.Payment(card, payment)));
        DepositReceipt receipt;
        try {
            receipt = askBank(request);
        } catch (EscudoException first) {
            if (first.kind() != Kind.INTERNAL) {
                throw first;
            }
            try {
                receipt = askBank(request);
            } catch (EscudoException second) {
                if (second.kind() != Kind.INTERNAL) {
                    throw second;
                }
                throw new MerchantException(MerchantException.ONLINE_CLEARING_UNAVAILABLE,
                        "the bank could not clear " + payment.spec().amount() + " online (" + second.getMessage()
                                + "); the payment is kept and goes with the next deposit: do not hand over the goods until it clears");
            }
        }
        DepositReceipt.Status status = receipt.statuses().getFirst();
        db.run(tx -> recordOutcome(tx, status, clock.instant()));
        if (status.outcome() != Outcome.CLEARED && status.outcome() != Outcome.ALREADY_CLEARED) {
            throw new MerchantException(MerchantException.ONLINE_CLEARING_REFUSED,
                    "the bank refused to clear " + payment.spec().amount() + " online: " + status.detail() + " (" + status.code() + ")");
        }
    }

    private DepositReceipt askBank(DepositRequest request) {
        return verifiedReceipt(request, bank.deposit(request));
    }

    /**
     * Seed 003, Fig. 9, merchant side: deposits every payment collected when the run starts, in
     * batches of at most {@link DepositRequest#MAX_PAYMENTS} (the most a request can carry within
     * a node's request limit), each a fresh signed request whose receipt is recorded before the next
     * batch goes. If the bank cannot be reached or an answer is lost, the batches answered so far
     * stay recorded and the rest stay collected for the next run; re-sending them pays nothing twice.
     */
    public DepositSummary depositCollected() {
        return depositCollected(Integer.MAX_VALUE);
    }

    /** {@link #depositCollected()}, sending at most {@code maxBatches} batches; the summary says how many payments remain. */
    public DepositSummary depositCollected(int maxBatches) {
        depositing.lock();
        try {
            Instant start = clock.instant();
            List<DepositReceipt> receipts = new ArrayList<>();
            // Each batch leaves COLLECTED once recorded, and only payments accepted by the start count: the loop ends.
            for (List<DepositRequest.Payment> batch = collected(start); !batch.isEmpty() && receipts.size() < maxBatches;
                 batch = collected(start)) {
                DepositReceipt receipt = askBank(signedDeposit(batch));
                Instant now = clock.instant();
                db.run(tx -> receipt.statuses().forEach(status -> recordOutcome(tx, status, now)));
                receipts.add(receipt);
            }
            long remaining = db.inTransaction(tx -> tx.queryOne("SELECT COUNT(*) FROM merchant_payment WHERE status = 'COLLECTED'",
                    r -> r.getLong(1))).orElseThrow();
            return DepositSummary.of(receipts, remaining);
        } finally {
            depositing.unlock();
        }
    }

    /**
     * The next batch: the oldest payments accepted by {@code until} that wait for a deposit. The
     * ORDER BY starts with the (constant) status so that H2, like PostgreSQL, reads the batch off
     * the index {@code merchant_payment_collected} instead of sorting the whole backlog each time.
     */
    private List<DepositRequest.Payment> collected(Instant until) {
        return db.inTransaction(tx -> tx.query(
                "SELECT p.*, c.details, c.spec_time FROM merchant_payment p JOIN merchant_checkout c ON c.reference = p.reference"
                        + " WHERE p.status = 'COLLECTED' AND p.accepted_at <= ? ORDER BY p.status, p.accepted_at, p.card_number, p.serial LIMIT ?",
                this::collectedPayment, until, DepositRequest.MAX_PAYMENTS));
    }

    /** Fetches the bank's signed blacklist and keeps it, unless it is older than the copy held. */
    public Blacklist refreshBlacklist() {
        Blacklist list = bank.blacklist();
        list.verify(bankKey);
        if (!list.bankId().equals(settings.bankId())) {
            throw new MerchantException(MerchantException.FOREIGN_BLACKLIST,
                    "the blacklist is bank " + list.bankId() + "'s, not " + settings.bankId() + "'s");
        }
        db.run(tx -> {
            Instant held = tx.queryOne("SELECT issued_at FROM merchant_blacklist_version WHERE id = 1 FOR UPDATE",
                    r -> Tx.instant(r, "issued_at")).orElse(null);
            if (held != null && list.issuedAt().isBefore(held)) {
                throw new MerchantException(MerchantException.STALE_BLACKLIST,
                        "the blacklist offered (" + list.issuedAt() + ") is older than the one held (" + held + ")");
            }
            tx.update("DELETE FROM merchant_blacklist");
            for (String cardNumber : list.cardNumbers()) {
                tx.update("INSERT INTO merchant_blacklist (card_number) VALUES (?)", cardNumber);
            }
            if (held == null) {
                tx.update("INSERT INTO merchant_blacklist_version (id, issued_at) VALUES (1, ?)", list.issuedAt());
            } else {
                tx.update("UPDATE merchant_blacklist_version SET issued_at = ? WHERE id = 1", list.issuedAt());
            }
        });
        return list;
    }

    public boolean isBlacklisted(String cardNumber) {
        return db.inTransaction(tx -> tx.queryOne("SELECT card_number FROM merchant_blacklist WHERE card_number = ?",
                r -> r.getString(1), cardNumber).isPresent());
    }

    public List<AcceptedPayment> payments() {
        return db.inTransaction(tx -> tx.query("SELECT * FROM merchant_payment ORDER BY accepted_at, card_number, serial", Merchant::accepted));
    }

    public AcceptedPayment payment(String cardNumber, long serial) {
        return db.inTransaction(tx -> tx.queryOne("SELECT * FROM merchant_payment WHERE card_number = ? AND serial = ?",
                Merchant::accepted, cardNumber, serial)).orElseThrow(() -> new MerchantException(
                MerchantException.UNKNOWN_PAYMENT, "no payment ser# " + serial + " of card " + cardNumber));
    }

    /** The spec must be one this merchant presented, unchanged, unpaid and not expired. */
    private void claimCheckout(Tx tx, PaymentSpec spec, Instant now) {
        record Checkout(Money amount, String details, Instant time, boolean paid) {
        }
        Checkout checkout = tx.queryOne("SELECT * FROM merchant_checkout WHERE reference = ? FOR UPDATE",
                r -> new Checkout(Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("details"),
                        Tx.instant(r, "spec_time"), r.getBoolean("paid")), spec.reference())
                .orElseThrow(() -> new MerchantException(MerchantException.UNKNOWN_CHECKOUT,
                        "this merchant presented no payment specification " + spec.reference()));
        if (!spec.merchantId().equals(settings.merchantId()) || !spec.amount().equals(checkout.amount())
                || !spec.details().equals(checkout.details()) || !spec.time().equals(checkout.time())) {
            throw new MerchantException(MerchantException.CHECKOUT_MISMATCH,
                    "the signed payment specification differs from the one presented");
        }
        if (checkout.paid()) {
            throw new MerchantException(MerchantException.DUPLICATE_PAYMENT, "checkout " + spec.reference() + " is already paid");
        }
        if (now.isAfter(checkout.time().plus(CHECKOUT_LIFETIME))) {
            throw new MerchantException(MerchantException.CHECKOUT_EXPIRED, "checkout " + spec.reference() + " expired");
        }
        tx.update("UPDATE merchant_checkout SET paid = TRUE WHERE reference = ?", spec.reference());
    }

    private DepositRequest signedDeposit(List<DepositRequest.Payment> payments) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return DepositRequest.sign(settings.merchantId(), clock.instant(), HexFormat.of().formatHex(nonce), payments, merchantKey);
    }

    /** The receipt must be the bank's, for this request, with one status per payment in order. */
    private DepositReceipt verifiedReceipt(DepositRequest request, DepositReceipt receipt) {
        receipt.verify(bankKey);
        boolean matches = receipt.requestNonce().equals(request.nonce()) && receipt.merchantId().equals(request.merchantId())
                && receipt.statuses().size() == request.payments().size();
        for (int i = 0; matches && i < receipt.statuses().size(); i++) {
            PaymentCertificate sent = request.payments().get(i).payment();
            DepositReceipt.Status status = receipt.statuses().get(i);
            matches = status.cardNumber().equals(sent.cardNumber()) && status.serial() == sent.serial();
        }
        if (!matches) {
            throw new MerchantException(MerchantException.RECEIPT_MISMATCH,
                    "the bank's receipt does not answer this deposit");
        }
        return receipt;
    }

    private void recordOutcome(Tx tx, DepositReceipt.Status status, Instant now) {
        tx.update("UPDATE merchant_payment SET status = ?, outcome_code = ?, outcome_detail = ?, credited_minor = ?, settled_at = ?"
                        + " WHERE card_number = ? AND serial = ? AND status = 'COLLECTED'",
                status.outcome().name(), status.code(), status.detail(), status.credited().minorUnits(), now,
                status.cardNumber(), status.serial());
    }

    private DepositRequest.Payment collectedPayment(ResultSet r) throws SQLException {
        CardCertificate card = CardCertificate.decode(B64D.decode(r.getString("card_cert")), Bytes.of(B64D.decode(r.getString("cert_signature"))));
        PaymentSpec spec = new PaymentSpec(settings.merchantId(), Tx.instant(r, "spec_time"),
                Money.of(r.getLong("amount_minor"), r.getString("currency")), r.getString("details"), r.getString("reference"));
        return new DepositRequest.Payment(card, new PaymentCertificate(r.getString("card_number"), r.getLong("serial"),
                spec, Bytes.of(B64D.decode(r.getString("signature")))));
    }

    private static AcceptedPayment accepted(ResultSet r) throws SQLException {
        String status = r.getString("status");
        Money amount = Money.of(r.getLong("amount_minor"), r.getString("currency"));
        long creditedMinor = r.getLong("credited_minor");
        Money credited = r.wasNull() ? null : new Money(creditedMinor, amount.currency());
        return new AcceptedPayment(r.getString("card_number"), r.getLong("serial"), r.getString("reference"), amount,
                "COLLECTED".equals(status) ? null : Outcome.valueOf(status),
                credited,
                r.getString("outcome_code"), r.getString("outcome_detail"),
                Tx.instant(r, "accepted_at"), Tx.instant(r, "settled_at"));
    }
}
