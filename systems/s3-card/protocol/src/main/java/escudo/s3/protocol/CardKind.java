package escudo.s3.protocol;

/** The three S3 variants of seed 003: electronic cash (debit), credit, and cheque. */
public enum CardKind {
    /** Preferred embodiment: the card carries prepaid value; deposits debit the card account. */
    CASH,
    /** Balance is a credit limit; the bank pays the merchant from its own account less fees. */
    CREDIT,
    /** No balance, a counter of cheques; paid from the user's bank account, may bounce. */
    CHEQUE
}
