package escudo.s3.card;

import escudo.cardos.Application;
import escudo.cardos.ApplicationId;
import escudo.cardos.CardOs;
import escudo.cardos.CardOsException;
import escudo.cardos.HolderStatus;
import escudo.cardos.Operation;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.JointKey;
import escudo.crypto.KeyShare;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.BankShare;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.ProtocolException;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Currency;
import java.util.Objects;
import java.util.Optional;

/**
 * The S3 microprocessor card of seed 003 (Figs. 4 to 8 and 10) as a software secure element. It
 * holds the user's key share S_U (generated here and never exported), the bank's share S_C
 * (received sealed to a one-time HPKE transport key), the bank's verifying key, the CARD-CERT,
 * the PIN with its try counter, the balance, the next ser# and the next seq#. It signs
 * PAYMENT-CERTs and withdrawal requests with the joint key S_U + S_C. No method, message,
 * {@code toString} or file shows S_U, S_C, the joint scalar or the PIN.
 *
 * <p>The card is the first application on the card OS ({@link CardOs}, application id
 * {@code escudo.s3}): its state ({@link CardState}) is the application's record, and the PIN,
 * its try counter and the lock are the OS's. Every state change is one OS operation whose commit
 * writes the record (with the PIN's restored tries) to disk before its result leaves the card, in
 * one atomic write, so a crash at any point leaves either the old or the new state. The ser# of a
 * PAYMENT-CERT that was returned is therefore never used again. The OS persists a spent PIN try
 * before it compares the PIN ({@link Operation#verifyHolder}), so killing the process mid-check
 * gives no free guess; three wrong PINs in a row lock the card for good.
 *
 * <p><b>The limit of a software secure element.</b> Whoever holds the card's two files can
 * decrypt the state (and so learn both shares), copy the card, or roll it back to an older state
 * with a higher balance, a lower ser# or more PIN tries ({@link CardOs} says more). The protocol
 * limits the damage: the bank keeps the ser# of every payment it cleared per card (seed 003, step
 * 670), so a payment from a cloned or rolled-back card that reuses a ser# is caught at deposit,
 * and a balance that was spent twice shows up against the card account. The later Java Card
 * applet keeps the same state inside tamper-resistant hardware and removes this limit. An instance
 * is meant for one process at a time; its methods are synchronized for threads within that process.
 */
public final class Card {

    /** The S3 application's id on the card OS. */
    static final ApplicationId APPLICATION = new ApplicationId("escudo.s3");

    private final Application application;
    private final Clock clock;
    private CardState state;

    private Card(Application application, Clock clock, CardState state) {
        this.application = application;
        this.clock = clock;
        this.state = state;
    }

    /**
     * Seed 003, steps 230 and 240: a new blank card in {@code directory} (created if needed) with
     * a fresh user share S_U and a one-time transport key for receiving S_C.
     *
     * @throws CardException {@code card.already-exists} if the directory holds a card
     */
    public static Card manufacture(Path directory) {
        return manufacture(directory, Clock.systemUTC());
    }

    static Card manufacture(Path directory, Clock clock) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        CardState blank = CardState.blank(KeyShare.generate(), Hpke.Recipient.generate());
        try {
            return new Card(CardOs.create(directory, APPLICATION, blank.encode()).application(APPLICATION), clock, blank);
        } catch (CardOsException e) {
            throw CardException.of(e);
        }
    }

    /**
     * Loads the card in {@code directory}.
     *
     * @throws CardException {@code card.not-found} if there is none (or the card there has no S3
     *                       application), {@code card.storage-corrupt} if its state cannot be
     *                       decrypted or parsed, {@code card.earlier-format} if the card was made
     *                       before the card OS
     */
    public static Card open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    static Card open(Path directory, Clock clock) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        CardOs os;
        try {
            os = CardOs.open(directory);
        } catch (CardOsException e) {
            throw CardException.of(e);
        }
        return open(os, clock);
    }

    /**
     * The S3 application of a card whose card OS this process has open already, because the card
     * carries other applications too (S4's): one {@link CardOs} per card and process, so no
     * application writes over what another committed.
     *
     * @throws CardException {@code card.not-found} if the card has no S3 application
     */
    public static Card open(CardOs os) {
        return open(os, Clock.systemUTC());
    }

    private static Card open(CardOs os, Clock clock) {
        Application application = os.application(APPLICATION);
        byte[] record = application.record().orElseThrow(() -> new CardException(CardException.NOT_FOUND,
                "the card has no S3 application"));
        try {
            return new Card(application, clock, CardState.decode(record));
        } catch (RuntimeException e) { // parse errors name a field or a rule, never its bytes
            throw new CardException(CardException.STORAGE_CORRUPT, "the card's S3 record cannot be parsed", e);
        } finally {
            Arrays.fill(record, (byte) 0);
        }
    }

    /** P_U, the public half of the user share, for the bank to certify. */
    public synchronized VerifyingKey userShare() {
        return state.userShare().publicShare();
    }

    /** The X25519 public key the bank seals S_C to ({@link BankShare#seal}); gone after personalisation. */
    public synchronized byte[] transportKey() {
        if (state.personalised()) {
            throw alreadyPersonalised();
        }
        return state.transport().publicKey();
    }

    /**
     * Seed 003, steps 240 to 260: sets the PIN chosen by the user and installs the bank's share,
     * the bank's key and the CARD-CERT, after checking that they all belong to this card. On any
     * mismatch nothing changes and the card can still be personalised correctly.
     *
     * @param initialBalance minor units of the certificate's currency (CASH: prepaid value,
     *                       CREDIT: available credit) or, for CHEQUE, the number of cheques
     */
    public synchronized void personalise(String pin, CardCertificate cert, byte[] sealedBankShare,
            VerifyingKey bankKey, long initialBalance) {
        if (state.personalised()) {
            throw alreadyPersonalised();
        }
        try (Operation operation = application.begin()) {
            operation.choosePin(pin);
            personalise(operation, cert, sealedBankShare, bankKey, initialBalance);
        } catch (CardOsException e) {
            throw CardException.of(e);
        }
    }

    private void personalise(Operation operation, CardCertificate cert, byte[] sealedBankShare,
            VerifyingKey bankKey, long initialBalance) {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(sealedBankShare, "sealedBankShare");
        Objects.requireNonNull(bankKey, "bankKey");
        if (initialBalance < 0) {
            throw new CardException(CardException.BAD_AMOUNT, "the initial balance must not be negative");
        }
        KeyShare bankShare;
        try {
            if (!cert.userShare().equals(state.userShare().publicShare())) {
                throw mismatch("the CARD-CERT certifies another user share", null);
            }
            bankShare = BankShare.open(state.transport(), sealedBankShare, cert.cardNumber());
            if (!bankShare.publicShare().equals(cert.bankShare())) {
                throw mismatch("the sealed bank share is not the one the CARD-CERT certifies", null);
            }
            if (!JointKey.of(state.userShare(), bankShare).publicKey().equals(cert.jointKey())) {
                throw mismatch("the CARD-CERT joint key is not S_U + S_C", null);
            }
            cert.verify(bankKey, cert.bankId(), clock.instant());
        } catch (CardException e) {
            throw e;
        } catch (EscudoException e) {
            throw mismatch("the CARD-CERT, the sealed bank share and the bank key do not fit this card ("
                    + e.code() + ")", e);
        }
        commit(operation, new CardState(state.userShare(), null, bankShare, bankKey, cert, initialBalance, 1, 1, null));
    }

    /** Seed 003, step 410: the CARD-CERT the merchant reads and verifies. */
    public synchronized CardCertificate certificate() {
        requirePersonalised();
        return state.certificate();
    }

    /**
     * Seed 003, Fig. 8 steps 470 to 530 and Fig. 7: checks the PIN and the card's limits, then
     * signs {@code PaymentCertificate.signedBytes(card#, ser#, spec)} with the joint key. The new
     * ser# and balance (or cheque count) are persisted before the certificate is returned.
     */
    public synchronized PaymentCertificate pay(PaymentSpec spec, String pin) {
        Objects.requireNonNull(spec, "spec");
        requirePersonalised();
        try (Operation operation = application.begin()) {
            operation.verifyHolder(pin);
            CardCertificate cert = state.certificate();
            Money amount = spec.amount();
            if (!amount.currencyCode().equals(cert.currency())) {
                throw currencyMismatch(amount);
            }
            Instant now = clock.instant();
            if (!now.isBefore(cert.validUntil())) {
                throw new CardException(CardException.EXPIRED, "the card's certificate expired at " + cert.validUntil());
            }
            if (now.isBefore(cert.validFrom())) {
                throw new CardException(CardException.EXPIRED, "the card's certificate is valid only from " + cert.validFrom());
            }
            long newBalance;
            if (cert.kind() == CardKind.CHEQUE) {
                if (state.balance() <= 0) {
                    throw new CardException(CardException.NO_CHEQUES_LEFT, "the card has no cheques left");
                }
                newBalance = state.balance() - 1;
            } else {
                if (state.balance() < amount.minorUnits()) {
                    throw new CardException(CardException.INSUFFICIENT_BALANCE,
                            "the card holds " + new Money(state.balance(), amount.currency()) + ", the payment is " + amount);
                }
                newBalance = state.balance() - amount.minorUnits();
            }
            long serial = state.nextSerial();
            byte[] signature = jointKey().sign(PaymentCertificate.signedBytes(cert.cardNumber(), serial, spec));
            PaymentCertificate payment = new PaymentCertificate(cert.cardNumber(), serial, spec, Bytes.of(signature));
            commit(operation, state.afterPayment(newBalance));
            return payment;
        } catch (CardOsException e) {
            throw CardException.of(e);
        }
    }

    /**
     * Seed 003, Fig. 10 steps 840 to 870: a withdrawal (top-up) request for {@code amount}, or a
     * zero-value request with {@code renew} to ask only for a new CARD-CERT. It carries the next
     * seq# and the card's balance and is signed with the joint key; the card persists seq# + 1 and
     * remembers the request as pending (a new request replaces an unanswered one) before returning it.
     * While no acknowledgement came, {@link #pendingWithdrawal()} gives the same request back to be
     * sent again: a new request would leave the value of an answered one at the bank.
     */
    public synchronized WithdrawalRequest requestWithdrawal(Money amount, boolean renew, String pin) {
        Objects.requireNonNull(amount, "amount");
        requirePersonalised();
        requireWithdrawalSupported();
        try (Operation operation = application.begin()) {
            operation.verifyHolder(pin);
            CardCertificate cert = state.certificate();
            if (!amount.currencyCode().equals(cert.currency())) {
                throw currencyMismatch(amount);
            }
            if (amount.minorUnits() < 0 || (amount.minorUnits() == 0 && !renew)) {
                throw new CardException(CardException.BAD_AMOUNT,
                        "a withdrawal moves a positive amount, or zero to renew the certificate");
            }
            if (state.balance() > Long.MAX_VALUE - amount.minorUnits()) {
                throw new CardException(CardException.BAD_AMOUNT, "the balance would overflow");
            }
            long sequence = state.nextSequence();
            Money balance = new Money(state.balance(), amount.currency());
            Instant now = Instant.ofEpochMilli(clock.millis());
            byte[] signature = jointKey().sign(
                    WithdrawalRequest.signedBytes(cert.cardNumber(), sequence, balance, amount, renew, now));
            WithdrawalRequest request = new WithdrawalRequest(cert.cardNumber(), sequence, balance, amount, renew, now, Bytes.of(signature));
            commit(operation, state.afterWithdrawalRequest(
                    new CardState.Pending(sequence, amount.minorUnits(), state.balance(), renew, now, request.signature())));
            return request;
        } catch (CardOsException e) {
            throw CardException.of(e);
        }
    }

    /**
     * The withdrawal request still waiting for its acknowledgement, exactly as it was sent (the same
     * seq#, balance, amount, time and signature), also after the card's process restarted: the
     * terminal sends it again when the answer was lost, and the bank answers an identical request
     * with the acknowledgement it gave the first time, moving nothing twice. Needs no PIN: it
     * signs nothing new. Empty when nothing is pending (or a card from before this could keep the
     * request recorded only its amount: then only a new request helps).
     */
    public synchronized Optional<WithdrawalRequest> pendingWithdrawal() {
        requirePersonalised();
        CardState.Pending pending = state.pending();
        if (pending == null || !pending.resendable()) {
            return Optional.empty();
        }
        Currency currency = Money.currency(state.certificate().currency());
        return Optional.of(new WithdrawalRequest(state.certificate().cardNumber(), pending.sequence(),
                new Money(pending.cardBalance(), currency), new Money(pending.amount(), currency), pending.renew(),
                pending.time(), pending.signature()));
    }

    /**
     * Seed 003, steps 910 and 920: applies the bank's acknowledgement of the pending withdrawal.
     * The acknowledgement must be signed by the card's bank, name this card, the pending seq# and
     * amount, and state the new balance as the balance sent in the request plus the amount. The
     * amount is added to the card's current balance (which equals that new balance unless the
     * card paid in between). A renewed CARD-CERT must certify the same card, kind, currency and
     * keys, be signed by the bank, valid now, and valid until later than the current one; one
     * that expired before the acknowledgement arrived (an answer lost and asked for again late)
     * is left aside, the amount loads all the same. A replayed acknowledgement finds nothing
     * pending and is refused.
     */
    public synchronized void completeWithdrawal(WithdrawalAck ack) {
        Objects.requireNonNull(ack, "ack");
        requirePersonalised();
        requireWithdrawalSupported();
        try {
            ack.verify(state.bankKey());
        } catch (ProtocolException e) {
            throw new CardException(CardException.MESSAGE_FORGED,
                    "the withdrawal acknowledgement is not signed by the card's bank", e);
        }
        CardState.Pending pending = state.pending();
        if (pending == null) {
            throw new CardException(CardException.NO_PENDING_WITHDRAWAL,
                    "no withdrawal is pending; seq# " + ack.sequence() + " was answered already or never requested");
        }
        CardCertificate cert = state.certificate();
        Currency currency = Money.currency(cert.currency());
        if (!ack.cardNumber().equals(cert.cardNumber())) {
            throw ackMismatch("the acknowledgement is for card " + ack.cardNumber());
        }
        if (ack.sequence() != pending.sequence()) {
            throw ackMismatch("the acknowledgement answers seq# " + ack.sequence() + ", the pending request is seq# " + pending.sequence());
        }
        if (!ack.amount().equals(new Money(pending.amount(), currency))) {
            throw ackMismatch("the acknowledgement moves " + ack.amount() + ", the request asked for "
                    + new Money(pending.amount(), currency));
        }
        Money expected = new Money(pending.cardBalance() + pending.amount(), currency);
        if (!ack.newBalance().equals(expected)) {
            throw ackMismatch("the acknowledgement states a new balance of " + ack.newBalance() + ", expected " + expected);
        }
        CardCertificate next = ack.renewed().map(renewed -> checkRenewal(cert, renewed)).orElse(cert);
        try (Operation operation = application.begin()) {
            commit(operation, state.afterWithdrawal(Math.addExact(state.balance(), pending.amount()), next));
        } catch (CardOsException e) {
            throw CardException.of(e);
        }
    }

    /** What the card shows its holder; never a secret. */
    public synchronized CardStatus status() {
        if (!state.personalised()) {
            return new CardStatus(null, null, null, 0, 0, 0, 0, false, false, null);
        }
        CardCertificate cert = state.certificate();
        HolderStatus holder = application.holder();
        return new CardStatus(cert.cardNumber(), cert.kind(), cert.currency(), state.balance(),
                state.nextSerial(), state.nextSequence(), holder.pinTriesLeft(), holder.locked(), true, cert.validUntil());
    }

    @Override
    public synchronized String toString() {
        return "Card(" + (state.personalised() ? state.certificate().cardNumber() : "blank") + ")";
    }

    private CardCertificate checkRenewal(CardCertificate current, CardCertificate renewed) {
        if (!renewed.cardNumber().equals(current.cardNumber())
                || !renewed.bankId().equals(current.bankId())
                || renewed.kind() != current.kind()
                || !renewed.currency().equals(current.currency())
                || !renewed.bankShare().equals(current.bankShare())
                || !renewed.userShare().equals(current.userShare())
                || !renewed.jointKey().equals(current.jointKey())) {
            throw renewalMismatch("the renewed CARD-CERT certifies another card, kind, currency or keys", null);
        }
        try {
            renewed.verify(state.bankKey(), current.bankId(), clock.instant());
        } catch (ProtocolException e) {
            if (e.code() == ProtocolException.CARD_CERT_EXPIRED) {
                // The bank's own (verify checks the signature before the dates), but its answer came so late
                // that it ran out on the way: the amount the bank moved still loads, the card keeps its
                // certificate and asks for another renewal. Refused whole, the top-up was lost for good.
                return current;
            }
            throw renewalMismatch("the renewed CARD-CERT is not valid now (" + e.code() + ")", e);
        }
        if (!renewed.validUntil().isAfter(current.validUntil())) {
            throw renewalMismatch("the renewed CARD-CERT ends at " + renewed.validUntil()
                    + ", not later than the current one (" + current.validUntil() + ")", null);
        }
        return renewed;
    }

    private JointKey jointKey() {
        return JointKey.of(state.userShare(), state.bankShare());
    }

    /** Persists {@code next} as the S3 record and only then makes it the card's state. */
    private void commit(Operation operation, CardState next) {
        byte[] record = next.encode();
        try {
            operation.commit(record);
        } finally {
            Arrays.fill(record, (byte) 0);
        }
        state = next;
    }

    private void requirePersonalised() {
        if (!state.personalised()) {
            throw new CardException(CardException.NOT_PERSONALISED, "the card is not personalised yet");
        }
    }

    private void requireWithdrawalSupported() {
        if (state.certificate().kind() == CardKind.CHEQUE) {
            throw new CardException(CardException.NOT_SUPPORTED, "a cheque card has no withdrawal");
        }
    }

    private static CardException alreadyPersonalised() {
        return new CardException(CardException.ALREADY_PERSONALISED, "the card is personalised already");
    }

    private static CardException mismatch(String message, Throwable cause) {
        return new CardException(CardException.PERSONALISATION_MISMATCH, message, cause);
    }

    private CardException currencyMismatch(Money amount) {
        return new CardException(CardException.CURRENCY_MISMATCH,
                "the card holds " + state.certificate().currency() + ", not " + amount.currencyCode());
    }

    private static CardException ackMismatch(String message) {
        return new CardException(CardException.ACK_MISMATCH, message);
    }

    private static CardException renewalMismatch(String message, Throwable cause) {
        return new CardException(CardException.RENEWAL_MISMATCH, message, cause);
    }
}
