package escudo.s3.server.issuer;

import escudo.bank.Bank;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.crypto.Digest;
import escudo.ledger.LedgerException;
import escudo.ledger.TransferRequest;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.DepositReceipt.Status;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.ProtocolException;
import escudo.storage.Tx;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Seed 003, Fig. 9: the deposit protocol. The merchant is authenticated once per batch; then every
 * payment is checked and paid in a transaction of its own, so one bad payment never holds back the
 * good ones, and the answer has a status per payment.
 */
final class DepositClearing {

    private final Issuer issuer;
    private final CardRegistry cards;

    DepositClearing(Issuer issuer, CardRegistry cards) {
        this.issuer = issuer;
        this.cards = cards;
    }

    DepositReceipt deposit(DepositRequest request) {
        Instant now = issuer.now();
        // Steps 600-620: the depositing merchant, its signature, and the freshness of the request.
        Bank.Merchant merchant = issuer.db().inTransaction(tx -> issuer.merchant(tx, request.merchantId()));
        request.verify(merchant.key());
        requireFresh(request.time(), now, "deposit");
        acceptNonceOnce(request);
        // Steps 650-700: each payment in turn.
        List<Status> statuses = new ArrayList<>(request.payments().size());
        for (DepositRequest.Payment payment : request.payments()) {
            statuses.add(clear(merchant, payment.card(), payment.payment(), now));
        }
        // Step 710: the summary, signed and bound to this request's nonce.
        return DepositReceipt.sign(issuer.bankId(), merchant.id(), request.nonce(), now, statuses, issuer.bankKey());
    }

    static void requireFresh(Instant time, Instant now, String what) {
        if (Duration.between(time, now).abs().compareTo(Issuer.FRESHNESS) > 0) {
            throw new IssuerException(IssuerException.STALE_REQUEST,
                    "the " + what + " request is dated " + time + ", more than " + Issuer.FRESHNESS.toMinutes()
                            + " minutes from the bank's clock; sign a new one");
        }
    }

    /**
     * A nonce is used once per merchant. The identical request sent again (a retry after a
     * timeout) is processed again, which pays nothing twice; anything else under a used nonce is
     * a replay.
     */
    private void acceptNonceOnce(DepositRequest request) {
        String digest = sha256(request.signedBytes());
        issuer.db().run(tx -> {
            if (tx.tryInsert("INSERT INTO issuer_deposit_request (merchant_id, nonce, request_digest, received_at) VALUES (?, ?, ?, ?)",
                    request.merchantId(), request.nonce(), digest, issuer.now())) {
                return;
            }
            String seen = tx.queryOne("SELECT request_digest FROM issuer_deposit_request WHERE merchant_id = ? AND nonce = ?",
                    r -> r.getString(1), request.merchantId(), request.nonce()).orElseThrow();
            if (!MessageDigest.isEqual(seen.getBytes(), digest.getBytes())) {
                throw new IssuerException(IssuerException.REPLAYED_REQUEST,
                        "deposit nonce " + request.nonce() + " was already used for another request");
            }
        });
    }

    private Status clear(Bank.Merchant merchant, CardCertificate card, PaymentCertificate payment, Instant now) {
        try {
            return issuer.db().inTransaction(tx -> clear(tx, merchant, card, payment, now));
        } catch (BouncedCheque e) {
            return status(payment, Outcome.BOUNCED, IssuerException.CHEQUE_BOUNCED, e.getMessage());
        } catch (EscudoException e) {
            if (e.kind() == EscudoException.Kind.INTERNAL) {
                throw e; // a fault on our side is not a verdict: the whole deposit fails and the merchant sends it again
            }
            if (e.code() == IssuerException.INSUFFICIENT_CARD_BALANCE || e.code() == IssuerException.OVER_CREDIT_LIMIT) {
                // A genuine card never signs more than the bank holds for it: a clone or a tampered card.
                issuer.db().run(tx -> {
                    cards.blacklist(tx, payment.cardNumber(), "signed more than the bank holds for it", now);
                    issuer.alert(tx, payment.cardNumber(), e.code(), e.getMessage() + ": card blacklisted");
                });
            }
            return status(payment, Outcome.REFUSED, e.code(), e.getMessage());
        }
    }

    private Status clear(Tx tx, Bank.Merchant merchant, CardCertificate card, PaymentCertificate payment, Instant now) {
        Money amount = payment.spec().amount();
        // Step 660: the CARD-CERT: bank signature, valid when the payment was made, a card of ours, not blacklisted.
        if (payment.spec().time().isAfter(now.plus(Issuer.FRESHNESS))) {
            throw new IssuerException(IssuerException.PAYMENT_FROM_FUTURE,
                    "payment ser# " + payment.serial() + " is dated in the future: " + payment.spec().time());
        }
        CardRegistry.Row row = cards.require(tx, card.cardNumber());
        if (row.certificate().equals(card)) { // a record of values: same signed fields, same signature
            card.checkValidAt(payment.spec().time()); // the bank issued exactly these bytes: no need to verify its own signature
        } else {
            card.verify(issuer.publicKey(), issuer.bankId(), payment.spec().time());
        }
        if (!row.certificate().jointKey().equals(card.jointKey())) {
            throw new IssuerException(IssuerException.CERTIFICATE_NOT_REGISTERED,
                    "CARD-CERT of card " + card.cardNumber() + " does not carry the card's registered joint key");
        }
        if (row.blacklisted()) {
            // A payment cleared before the card was blacklisted, sent again because its answer was
            // lost, was paid: it gets the answer it got then, or the merchant would write it off.
            Optional<Status> resent = clearedBeforeFor(tx, merchant, card, payment);
            if (resent.isPresent()) {
                return resent.get();
            }
            throw new IssuerException(IssuerException.CARD_BLACKLISTED,
                    "card " + card.cardNumber() + " is blacklisted: " + row.blacklistReason());
        }
        // Step 670: the PAYMENT-CERT: joint signature, S_id of the depositing merchant, ser# never cleared before.
        payment.verify(card);
        if (!payment.spec().merchantId().equals(merchant.id())) {
            throw new IssuerException(IssuerException.WRONG_MERCHANT,
                    "payment ser# " + payment.serial() + " is made out to " + payment.spec().merchantId() + ", not to " + merchant.id());
        }
        if (!amount.currencyCode().equals(merchant.currency())) {
            throw new IssuerException(IssuerException.CURRENCY_MISMATCH,
                    "merchant " + merchant.id() + " banks in " + merchant.currency() + ", payment is in " + amount.currencyCode());
        }
        String digest = sha256(payment.signedBytes());
        if (!tx.tryInsert("INSERT INTO issuer_cleared_payment (card_number, serial, merchant_id, payment_digest, amount_minor, currency, cleared_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", payment.cardNumber(), payment.serial(), merchant.id(), digest,
                amount.minorUnits(), amount.currencyCode(), now)) {
            return alreadySeen(tx, merchant, payment, digest, now);
        }
        // Step 690: move the money, by kind of card.
        String transferId = "pay:" + payment.cardNumber() + ":" + payment.serial();
        Money credited = switch (row.kind()) {
            case CASH -> {
                transfer(tx, transferId, row.accountId(), merchant.accountId(), amount, IssuerException.INSUFFICIENT_CARD_BALANCE,
                        "card " + payment.cardNumber() + " holds less than " + amount + " at the bank");
                yield amount;
            }
            case CREDIT -> {
                // Alternate embodiment: the bank pays the merchant from its own account, less fees,
                // and the card holder owes the bank the full amount.
                String own = Bank.ownAccount(amount.currency());
                transfer(tx, transferId, row.accountId(), own, amount, IssuerException.OVER_CREDIT_LIMIT,
                        "payment would take card " + payment.cardNumber() + " over its credit limit");
                Money fee = new Money(Math.multiplyExact(amount.minorUnits(), issuer.settings().creditFeeBasisPoints()) / 10_000, amount.currency());
                Money net = amount.minus(fee);
                if (net.isPositive()) {
                    issuer.ledger().transfer(tx, new TransferRequest(transferId + ":merchant", own, merchant.accountId(), net,
                            "credit card payment less fee " + fee));
                }
                yield net;
            }
            case CHEQUE -> {
                Bank.Customer customer = issuer.customer(tx, row.customerId());
                try {
                    issuer.ledger().transfer(tx, new TransferRequest(transferId, customer.accountId(), merchant.accountId(), amount,
                            "cheque ser# " + payment.serial() + " of card " + payment.cardNumber()));
                } catch (LedgerException e) {
                    if (e.code() == LedgerException.INSUFFICIENT_FUNDS) {
                        throw new BouncedCheque("cheque ser# " + payment.serial() + " of card " + payment.cardNumber()
                                + " bounced: the drawer's account does not cover " + amount);
                    }
                    throw e;
                }
                yield amount;
            }
        };
        tx.update("UPDATE issuer_cleared_payment SET credited_minor = ? WHERE card_number = ? AND serial = ?",
                credited.minorUnits(), payment.cardNumber(), payment.serial());
        return status(payment, Outcome.CLEARED, credited, "", "");
    }

    /**
     * The ser# was cleared before. The same payment from the same merchant is a harmless re-send;
     * a different payment under the same ser# is a cloned or rolled-back card: refuse it, blacklist
     * the card and raise an alert (seed 003, step 670).
     */
    private Status alreadySeen(Tx tx, Bank.Merchant merchant, PaymentCertificate payment, String digest, Instant now) {
        Seen seen = seen(tx, payment).orElseThrow();
        if (seen.isFor(merchant, digest)) {
            return alreadyCleared(payment, seen);
        }
        String detail = "card " + payment.cardNumber() + " signed two different payments with ser# " + payment.serial()
                + " (cleared for " + seen.merchantId() + ", now presented by " + merchant.id() + "): card blacklisted";
        cards.blacklist(tx, payment.cardNumber(), "ser# " + payment.serial() + " used twice", now);
        issuer.alert(tx, payment.cardNumber(), IssuerException.DOUBLE_SPEND, detail);
        return status(payment, Outcome.REFUSED, IssuerException.DOUBLE_SPEND, detail);
    }

    /** The (card, ser#) as cleared: for whom, the digest of the payment's signed bytes, what was credited. */
    private record Seen(String merchantId, String digest, long credited) {
        boolean isFor(Bank.Merchant merchant, String paymentDigest) {
            return merchantId.equals(merchant.id()) && MessageDigest.isEqual(digest.getBytes(), paymentDigest.getBytes());
        }
    }

    private static Optional<Seen> seen(Tx tx, PaymentCertificate payment) {
        return tx.queryOne("SELECT merchant_id, payment_digest, credited_minor FROM issuer_cleared_payment WHERE card_number = ? AND serial = ?",
                r -> new Seen(r.getString(1), r.getString(2), r.getLong(3)), payment.cardNumber(), payment.serial());
    }

    /** ALREADY_CLEARED if this very payment, validly signed, was cleared for this merchant before. */
    private static Optional<Status> clearedBeforeFor(Tx tx, Bank.Merchant merchant, CardCertificate card, PaymentCertificate payment) {
        Optional<Seen> seen = seen(tx, payment).filter(s -> s.isFor(merchant, sha256(payment.signedBytes())));
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        try {
            payment.verify(card);
        } catch (ProtocolException e) {
            return Optional.empty(); // not the payment that was paid: refused as blacklisted, as before
        }
        return Optional.of(alreadyCleared(payment, seen.get()));
    }

    private static Status alreadyCleared(PaymentCertificate payment, Seen seen) {
        return status(payment, Outcome.ALREADY_CLEARED, new Money(seen.credited(), payment.spec().amount().currency()), "",
                "ser# " + payment.serial() + " was cleared for you before; paid once");
    }

    private void transfer(Tx tx, String id, String from, String to, Money amount, ErrorCode shortfallCode, String shortfall) {
        try {
            issuer.ledger().transfer(tx, new TransferRequest(id, from, to, amount, "offline payment " + id));
        } catch (LedgerException e) {
            if (e.code() == LedgerException.INSUFFICIENT_FUNDS) {
                throw new IssuerException(shortfallCode, shortfall);
            }
            throw e;
        }
    }

    /** A refusal or bounce: nothing credited, the code says why. */
    private static Status status(PaymentCertificate payment, Outcome outcome, ErrorCode code, String detail) {
        return status(payment, outcome, Money.zero(payment.spec().amount().currency()), code.value(), detail);
    }

    private static Status status(PaymentCertificate payment, Outcome outcome, Money credited, String code, String detail) {
        return new Status(payment.cardNumber(), payment.serial(), outcome, credited, code, detail);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Digest.sha256(bytes));
    }

    /** Rolls the payment's transaction back: a bounced cheque may be presented again later. */
    private static final class BouncedCheque extends RuntimeException {
        BouncedCheque(String message) {
            super(message, null, false, false);
        }
    }
}
