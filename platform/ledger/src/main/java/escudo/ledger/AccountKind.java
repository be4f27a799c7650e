package escudo.ledger;

/**
 * What an account is for, stored with it so that callers ask the account instead of parsing its
 * id. It lives in the ledger, not the bank, because {@link Account} is what callers read, and the
 * ledger is the bank's own: its kinds are the bank's products (current and savings accounts,
 * cards, merchants' deposits) and the bank's two accounts with the outside world.
 */
public enum AccountKind {
    /** A customer's current ("bank") account: what S2 cards and S3 card loads draw on. */
    CUSTOMER_CURRENT,
    /** A customer's savings account (S0 trades move money to and from it). */
    SAVINGS,
    /** A merchant's deposit account: S2 sellers and S3 payees are paid into it. */
    MERCHANT_DEPOSIT,
    /** The account behind an S3 card: a cash card's value or a credit card's debt. */
    CARD,
    /** Where cash paid in over the counter enters the ledger; its balance goes negative. */
    BANK_CASH,
    /** The bank's own funds: it pays merchants for credit-card payments and keeps the fees. */
    BANK_OWN
}
