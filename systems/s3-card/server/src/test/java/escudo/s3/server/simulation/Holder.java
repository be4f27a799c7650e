package escudo.s3.server.simulation;

import escudo.s3.card.Card;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import java.nio.file.Path;

/**
 * A customer's card and what the simulation expects of it: the card's own figures (balance,
 * ser#, seq#, PIN tries, certificate), the bank's (initial value, top-ups, cleared payments) and
 * whether a clone of it ever got a payment into a merchant's hands.
 */
final class Holder {

    /** The card's files at some moment: restoring them elsewhere makes a clone of that moment. */
    record Snapshot(byte[] storageKey, byte[] state, long nextSerial, long balance) {
    }

    final int index;
    final String customerId;
    final CardKind kind;
    final String pin;
    final Path directory;
    final Card card;
    final String cardNumber;
    final String account;
    /** A credit card's limit, else 0. */
    final long creditLimit;

    // The card, as the simulation expects it to be.
    long cardBalance;
    long nextSerial = 1;
    long nextSequence = 1;
    int pinTriesLeft = 3;
    CardCertificate certificate;
    /** The withdrawal request the card waits for an answer to, if any. */
    WithdrawalRequest pending;

    // The bank's side.
    final long initialValue;
    long toppedUp;
    long cleared;
    /** The highest seq# the bank acknowledged, the request and its acknowledgement. */
    long lastAcknowledgedSequence;
    WithdrawalRequest lastAcknowledgedRequest;
    WithdrawalAck lastAck;

    Snapshot snapshot;
    /** A clone's payment reached a merchant's store: from here on the bank may refuse this card's payments. */
    boolean compromised;

    Holder(int index, String customerId, CardKind kind, String pin, Path directory, Card card, long creditLimit, long initialValue) {
        this.index = index;
        this.customerId = customerId;
        this.kind = kind;
        this.pin = pin;
        this.directory = directory;
        this.card = card;
        this.certificate = card.certificate();
        this.cardNumber = certificate.cardNumber();
        this.account = "card:" + cardNumber;
        this.creditLimit = creditLimit;
        this.initialValue = initialValue;
        this.cardBalance = kind == CardKind.CREDIT ? creditLimit : initialValue;
    }

    boolean locked() {
        return pinTriesLeft == 0;
    }

    /** What the bank's card account must hold: the initial value and every top-up, less every payment cleared. */
    long expectedAccountBalance() {
        return initialValue + toppedUp - cleared;
    }

    /** What the bank would let the card claim: the account's balance, or for a credit card its available credit. */
    long bankSide(long accountBalance) {
        return kind == CardKind.CREDIT ? accountBalance + creditLimit : accountBalance;
    }

    String label() {
        return "card" + index + "(" + kind + ")";
    }

    @Override
    public String toString() {
        return label() + " " + cardNumber;
    }
}
