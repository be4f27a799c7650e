package escudo.s0.protocol;

/** Which way a trade message travels; each direction has its own key and its own counter. */
public enum Direction {
    TO_ISSUER, TO_DEVICE
}
