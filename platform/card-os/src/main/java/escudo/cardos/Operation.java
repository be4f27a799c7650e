package escudo.cardos;

import escudo.core.EscudoException.Kind;
import java.util.Objects;

/**
 * One operation of an application: it may verify the holder (or, once per card, let the holder
 * choose the PIN) and ends with at most one {@link #commit}, the single write that stores the
 * application's new record together with what the operation did to the PIN. An application asks
 * {@link #holderVerified()} whether the holder was verified for this operation; a verification
 * never carries over to the next one.
 *
 * <p><b>Why the try counter is written before the comparison.</b> If the OS compared first and
 * counted afterwards, an attacker could try a PIN and kill the process (or pull the power) as soon
 * as the answer is known to be wrong but before the decrement is persisted, and so guess without
 * limit. {@link #verifyHolder} therefore persists "one try fewer" first, then compares. A right PIN
 * restores the full tries in the operation's commit or, if the operation ends without one (the
 * application refused), in a write of its own at {@link #close}. Three wrong PINs in a row lock the
 * card until its issuer unblocks it ({@link #unblockPin}).
 *
 * <p>Not for use by several threads; the application serialises its operations.
 */
public final class Operation implements AutoCloseable {

    private final CardOs os;
    private final ApplicationId application;
    private HolderPin chosen;
    /** A new PIN with all its tries: the holder's change, or the issuer's unblock. */
    private HolderPin replacement;
    private boolean verified;
    private boolean ended;

    Operation(CardOs os, ApplicationId application) {
        this.os = os;
        this.application = application;
    }

    /**
     * Verifies the holder. A locked card refuses at once and a malformed PIN (which cannot be the
     * PIN) spends no try; otherwise one try is spent and persisted, and only then is the PIN compared.
     *
     * @throws CardOsException {@code card.locked}, {@code card.bad-pin-format},
     *                         {@code card.wrong-pin} (the message says how many tries are left),
     *                         {@code card.no-pin} before a PIN was chosen, {@code card.storage-failed}
     *                         if the decrement could not be persisted (then nothing is compared)
     */
    public void verifyHolder(String pin) {
        requireOpen();
        synchronized (os) {
            HolderPin stored = os.image().pin();
            if (stored == null) {
                throw new CardOsException(CardOsException.NO_PIN, "the holder has not chosen a PIN yet");
            }
            if (stored.triesLeft() == 0) {
                throw new CardOsException(CardOsException.LOCKED,
                        "the card is locked after " + HolderPin.MAX_TRIES + " wrong PINs");
            }
            if (!HolderPin.wellFormed(pin)) {
                throw badPinFormat();
            }
            int left = stored.triesLeft() - 1;
            os.commit(os.image().withPin(stored.withTries(left)));
            if (!stored.matches(pin)) {
                throw new CardOsException(CardOsException.WRONG_PIN, left == 0
                        ? "wrong PIN; no tries left, the card is now locked"
                        : "wrong PIN; " + left + (left == 1 ? " try" : " tries") + " left");
            }
            verified = true;
        }
    }

    /** Whether {@link #verifyHolder} accepted the PIN in this operation. */
    public boolean holderVerified() {
        return verified;
    }

    /**
     * The holder chooses the card's PIN; it takes effect with this operation's {@link #commit}.
     *
     * @throws CardOsException {@code card.bad-pin-format}, {@code card.pin-already-chosen}
     */
    public void choosePin(String pin) {
        requireOpen();
        if (!HolderPin.wellFormed(pin)) {
            throw badPinFormat();
        }
        requireNoPin();
        chosen = HolderPin.choose(pin);
    }

    /**
     * The holder, verified in this operation, changes the PIN to {@code newPin}; it takes effect,
     * with all its tries, in this operation's {@link #commit}.
     *
     * @throws CardOsException {@code card.bad-pin-format}, {@code card.wrong-pin} unless the holder was verified
     */
    public void changePin(String newPin) {
        requireOpen();
        if (!verified) {
            throw new CardOsException(CardOsException.WRONG_PIN, "the holder changes the PIN after verifying the old one");
        }
        replacement = wellFormedPin(newPin);
    }

    /**
     * A new PIN with all its tries, locked or not: the issuer's unblock (seed 004, claim 4), which
     * the application allows only once its issuer authenticated to the card. Takes effect in this
     * operation's {@link #commit}.
     */
    public void unblockPin(String newPin) {
        requireOpen();
        if (os.image().pin() == null) {
            throw new CardOsException(CardOsException.NO_PIN, "the holder has not chosen a PIN yet");
        }
        replacement = wellFormedPin(newPin);
    }

    private static HolderPin wellFormedPin(String pin) {
        if (!HolderPin.wellFormed(pin)) {
            throw badPinFormat();
        }
        return HolderPin.choose(pin);
    }

    /**
     * Stores {@code record} as the application's record, with the PIN chosen, changed or unblocked in this operation or,
     * after a verified holder, the full tries, in one atomic write. Ends the operation.
     *
     * @throws CardOsException {@code card.storage-failed}: nothing changed, on disk or in memory
     */
    public void commit(byte[] record) {
        Objects.requireNonNull(record, "record");
        requireOpen();
        synchronized (os) {
            CardImage next = os.image().withRecord(application, record);
            if (chosen != null) {
                requireNoPin();
                next = next.withPin(chosen);
            } else if (replacement != null) {
                next = next.withPin(replacement);
            } else if (verified) {
                next = next.withPin(next.pin().withTries(HolderPin.MAX_TRIES));
            }
            os.commit(next);
            ended = true;
        }
    }

    /**
     * Ends the operation; if the holder was verified but nothing was committed, gives the holder
     * the full tries back (a write of its own, whose failure this throws).
     */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        if (!verified) {
            return;
        }
        synchronized (os) {
            HolderPin pin = os.image().pin();
            if (pin.triesLeft() < HolderPin.MAX_TRIES) {
                os.commit(os.image().withPin(pin.withTries(HolderPin.MAX_TRIES)));
            }
        }
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException("the operation has ended");
        }
    }

    private void requireNoPin() {
        if (os.image().pin() != null) {
            throw new CardOsException(CardOsException.PIN_ALREADY_CHOSEN, "the holder has chosen the PIN already");
        }
    }

    private static CardOsException badPinFormat() {
        return new CardOsException(CardOsException.BAD_PIN_FORMAT, "a PIN has 4 to 12 digits");
    }

    @Override
    public String toString() {
        return "Operation(" + application + (verified ? ", holder verified" : "") + ")";
    }
}
