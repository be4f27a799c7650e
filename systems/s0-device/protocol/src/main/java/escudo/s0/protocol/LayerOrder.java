package escudo.s0.protocol;

/** The two layer orders of seed 000, chosen per device at registration. */
public enum LayerOrder {
    /** Fig. 9: the symmetric layer inside, the asymmetric layer outside: Ea(Es(m)). */
    SYMMETRIC_INSIDE,
    /** Fig. 10: the asymmetric layer inside, the symmetric layer outside: Es(Ea(m)). */
    ASYMMETRIC_INSIDE
}
