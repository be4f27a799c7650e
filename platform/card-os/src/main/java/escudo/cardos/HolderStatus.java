package escudo.cardos;

/**
 * What the card shows about its holder's PIN, never the PIN itself.
 *
 * @param pinChosen    whether the holder has chosen a PIN yet
 * @param pinTriesLeft wrong PINs the card still accepts before it locks; 0 before a PIN is chosen
 */
public record HolderStatus(boolean pinChosen, int pinTriesLeft) {

    /** The holder typed {@value HolderPin#MAX_TRIES} wrong PINs in a row: no PIN is accepted any more. */
    public boolean locked() {
        return pinChosen && pinTriesLeft == 0;
    }
}
