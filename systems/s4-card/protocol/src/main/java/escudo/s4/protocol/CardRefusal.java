package escudo.s4.protocol;

import escudo.core.EscudoException;

/** What the card refused, with the code of its status word; for a wrong PIN, how many tries are left. */
public final class CardRefusal extends EscudoException {

    private final CardStatus status;
    private final int triesLeft;

    public CardRefusal(CardStatus status, int triesLeft, String message) {
        super(status.code(), message);
        this.status = status;
        this.triesLeft = triesLeft;
    }

    public CardStatus status() {
        return status;
    }

    /** The PIN tries left after a {@link CardStatus#WRONG_PIN}; -1 otherwise. */
    public int triesLeft() {
        return triesLeft;
    }
}
