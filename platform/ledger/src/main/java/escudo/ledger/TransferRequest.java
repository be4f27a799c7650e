package escudo.ledger;

import escudo.core.Money;

/**
 * A request to move {@code amount} from one account to another. {@code transferId} is chosen by
 * the caller and makes the request idempotent: sending it again returns the first outcome. A
 * null memo is stored as empty.
 */
public record TransferRequest(String transferId, String fromAccount, String toAccount, Money amount, String memo) {

    static final int MAX_ID_LENGTH = 100;
    static final int MAX_MEMO_LENGTH = 500;

    public TransferRequest {
        requireId("transfer id", transferId);
        requireId("from account", fromAccount);
        requireId("to account", toAccount);
        memo = memo == null ? "" : memo;
        if (memo.length() > MAX_MEMO_LENGTH) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, "memo longer than " + MAX_MEMO_LENGTH + " characters");
        }
        if (amount == null || !amount.isPositive()) {
            throw new LedgerException(LedgerException.INVALID_AMOUNT, "transfer amount must be positive, got " + amount);
        }
        if (fromAccount.equals(toAccount)) {
            throw new LedgerException(LedgerException.SAME_ACCOUNT, "cannot transfer from account '" + fromAccount + "' to itself");
        }
    }

    /** Whether {@code transfer} moved what this request asks for; the memo does not count. */
    boolean sameMovementAs(Transfer transfer) {
        return fromAccount.equals(transfer.fromAccount()) && toAccount.equals(transfer.toAccount())
                && amount.equals(transfer.amount());
    }

    static void requireId(String what, String id) {
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            throw new LedgerException(LedgerException.INVALID_REQUEST, what + " must be 1 to " + MAX_ID_LENGTH + " characters");
        }
    }
}
