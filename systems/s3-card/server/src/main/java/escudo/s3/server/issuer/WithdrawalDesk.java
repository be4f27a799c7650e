package escudo.s3.server.issuer;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.ledger.Account;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Seed 003, Fig. 10: the withdrawal protocol. For a cash card it tops the card up from the
 * customer's bank account; for a credit card it is the settlement of the alternate embodiment
 * (the customer pays back, the card's available credit grows). Either may renew the CARD-CERT.
 *
 * <p>Each acknowledgement is kept with the digest of the request it answers, in the transaction
 * that moves the money: the card whose answer was lost sends the identical request again (the
 * same signed bytes under the same seq#) and gets the same acknowledgement back, however long
 * after, and nothing moves twice; any other request under a used seq# is a replay.
 */
final class WithdrawalDesk {

    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Issuer issuer;
    private final CardRegistry cards;

    WithdrawalDesk(Issuer issuer, CardRegistry cards) {
        this.issuer = issuer;
        this.cards = cards;
    }

    WithdrawalAck withdraw(WithdrawalRequest request) {
        Instant now = issuer.now();
        try {
            return issuer.db().inTransaction(tx -> withdraw(tx, request, now));
        } catch (EscudoException e) {
            if (e.code() == IssuerException.BALANCE_MISMATCH) {
                issuer.db().run(tx -> issuer.alert(tx, request.cardNumber(), e.code(), e.getMessage()));
            }
            throw e;
        }
    }

    private WithdrawalAck withdraw(Tx tx, WithdrawalRequest request, Instant now) {
        // Step 880: a card of ours in good standing, the request signed by its joint key, a new seq#.
        CardRegistry.Row card = cards.lock(tx, request.cardNumber());
        if (card.blacklisted()) {
            throw new IssuerException(IssuerException.CARD_BLACKLISTED,
                    "card " + card.cardNumber() + " is blacklisted: " + card.blacklistReason());
        }
        request.verify(card.certificate());
        if (card.kind() == CardKind.CHEQUE) {
            throw new IssuerException(IssuerException.NOT_SUPPORTED, "a cheque card has no withdrawal (seed 003)");
        }
        String digest = DepositClearing.sha256(request.signedBytes());
        if (request.sequence() <= card.lastSequence()) {
            // Answered before: the same request gets the same acknowledgement, even once stale.
            return answered(tx, card.cardNumber(), request.sequence(), digest).orElseThrow(() -> new IssuerException(
                    IssuerException.REPLAYED_REQUEST, "withdrawal seq# " + request.sequence() + " of card " + card.cardNumber()
                    + " was already used for another request"));
        }
        DepositClearing.requireFresh(request.time(), now, "withdrawal");
        Money amount = request.amount();
        if (!amount.currencyCode().equals(card.certificate().currency()) || !request.cardBalance().currencyCode().equals(amount.currencyCode())) {
            throw new IssuerException(IssuerException.CURRENCY_MISMATCH, "card " + card.cardNumber()
                    + " is a " + card.certificate().currency() + " card");
        }
        // Compare the card's balance with the bank's record of it: the card can only hold less
        // (payments not deposited yet), never more.
        Account account = issuer.ledger().find(tx, card.accountId()).orElseThrow();
        Money bankSide = card.kind() == CardKind.CASH ? account.balance()
                : account.balance().plus(new Money(account.creditLimitMinor(), amount.currency())); // available credit
        if (request.cardBalance().compareTo(bankSide) > 0) {
            throw new IssuerException(IssuerException.BALANCE_MISMATCH, "card " + card.cardNumber()
                    + " claims " + request.cardBalance() + " but the bank holds " + bankSide + " for it");
        }
        if (card.kind() == CardKind.CREDIT && request.cardBalance().plus(amount).minorUnits() > account.creditLimitMinor()) {
            throw new IssuerException(IssuerException.OVER_CREDIT_LIMIT, "settling " + amount
                    + " would raise the available credit of card " + card.cardNumber() + " above its limit");
        }
        // Step 900: adjust the accounts.
        if (amount.isPositive()) {
            issuer.moveCustomerFunds(tx, "withdraw:" + card.cardNumber() + ":" + request.sequence(),
                    issuer.customer(tx, card.customerId()), card.accountId(), amount,
                    (card.kind() == CardKind.CASH ? "top-up" : "credit settlement") + " of card " + card.cardNumber());
        }
        cards.recordSequence(tx, card.cardNumber(), request.sequence());
        // Step 910: optional renewal of the CARD-CERT, then the authenticated acknowledgement.
        CardCertificate renewed = null;
        if (request.renew()) {
            CardCertificate current = card.certificate();
            renewed = CardCertificate.issue(current.bankId(), current.cardNumber(), current.kind(), current.currency(),
                    Issuer.validFrom(now), now.plus(issuer.settings().cardValidity()), current.constraints(),
                    current.bankShare(), current.userShare(), issuer.bankKey());
            cards.replaceCertificate(tx, renewed);
        }
        WithdrawalAck ack = WithdrawalAck.sign(card.cardNumber(), request.sequence(), amount, request.cardBalance().plus(amount),
                renewed, now, issuer.bankKey());
        keep(tx, ack, digest);
        return ack;
    }

    private static void keep(Tx tx, WithdrawalAck ack, String requestDigest) {
        CardCertificate renewed = ack.renewedCertificate();
        tx.update("INSERT INTO issuer_withdrawal_answer (card_number, sequence, request_digest, amount_minor, new_balance_minor,"
                        + " currency, renewed_cert, renewed_signature, answered_at, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ack.cardNumber(), ack.sequence(), requestDigest, ack.amount().minorUnits(), ack.newBalance().minorUnits(),
                ack.amount().currencyCode(), renewed == null ? null : B64.encodeToString(renewed.signedBytes()),
                renewed == null ? null : renewed.signature().base64(), ack.time(), ack.signature().base64());
    }

    /** The acknowledgement kept for seq# {@code sequence} of the card, if it answered the request with {@code requestDigest}. */
    private static Optional<WithdrawalAck> answered(Tx tx, String cardNumber, long sequence, String requestDigest) {
        record Kept(String requestDigest, WithdrawalAck ack) {
        }
        return tx.queryOne("SELECT * FROM issuer_withdrawal_answer WHERE card_number = ? AND sequence = ?", r -> {
            String currency = r.getString("currency");
            String renewed = r.getString("renewed_cert");
            return new Kept(r.getString("request_digest"), new WithdrawalAck(cardNumber, sequence,
                    Money.of(r.getLong("amount_minor"), currency), Money.of(r.getLong("new_balance_minor"), currency),
                    renewed == null ? null : CardCertificate.decode(B64D.decode(renewed), Bytes.of(B64D.decode(r.getString("renewed_signature")))),
                    Tx.instant(r, "answered_at"), Bytes.of(B64D.decode(r.getString("signature")))));
        }, cardNumber, sequence).filter(kept -> MessageDigest.isEqual(kept.requestDigest().getBytes(StandardCharsets.US_ASCII),
                requestDigest.getBytes(StandardCharsets.US_ASCII))).map(Kept::ack);
    }
}
