package escudo.s2.protocol;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.crypto.CryptoException;

/** A split order or pairwise key was refused. Messages never carry key material or part contents. */
public final class OrderException extends EscudoException {

    /** The peer identifier has no entry in the key directory. */
    public static final ErrorCode UNKNOWN_PARTY = ErrorCode.declare("order.unknown-party", Kind.NOT_FOUND);
    /** The bundle holds no part for the party trying to open it, or a party asked for another's part. */
    public static final ErrorCode WRONG_RECIPIENT = ErrorCode.declare("order.wrong-recipient", Kind.REFUSED);
    /** Authenticated decryption failed: wrong key, part moved, re-addressed or altered. */
    public static final ErrorCode PART_TAMPERED = ErrorCode.declare("order.part-tampered", Kind.UNAUTHENTICATED);
    /** The digest, a commitment or the header inside a part does not match the bundle. */
    public static final ErrorCode BINDING_MISMATCH = ErrorCode.declare("order.binding-mismatch", Kind.UNAUTHENTICATED);
    /** A bundle, part, share or identifier is not well formed. */
    public static final ErrorCode MALFORMED = ErrorCode.declare("order.malformed", Kind.INVALID);
    /** The holder put a field into a part that the order form does not give to that party. */
    public static final ErrorCode FIELD_NOT_ALLOWED = ErrorCode.declare("order.field-not-allowed", Kind.INVALID);
    /** A public key, or the shared secret it gives, is unusable (low order, wrong length). */
    public static final ErrorCode BAD_KEY = ErrorCode.declare("order.bad-key", Kind.INVALID);
    /** The same order reached this party a second time. */
    public static final ErrorCode REPLAYED = ErrorCode.declare("order.replayed", Kind.CONFLICT);

    /** The issuer declined the card: unknown, failing its check digit, expired, blocked or not the holder's. */
    public static final ErrorCode CARD_DECLINED = ErrorCode.declare("order.card-declined", Kind.REFUSED);
    /** The holder's account cannot pay the amount. */
    public static final ErrorCode INSUFFICIENT_FUNDS = ErrorCode.declare("order.insufficient-funds", Kind.REFUSED);
    /** Two parties were given different amounts (seller part vs offer, issuer part vs seller). */
    public static final ErrorCode AMOUNT_MISMATCH = ErrorCode.declare("order.amount-mismatch", Kind.REFUSED);
    /** The seller's part names other items than the offer. */
    public static final ErrorCode ITEMS_MISMATCH = ErrorCode.declare("order.items-mismatch", Kind.REFUSED);
    /** The seller issued no such offer, or it expired. */
    public static final ErrorCode OFFER_UNKNOWN = ErrorCode.declare("order.offer-unknown", Kind.NOT_FOUND);
    /** No such order or delivery for the asking party. */
    public static final ErrorCode NOT_FOUND = ErrorCode.declare("order.not-found", Kind.NOT_FOUND);
    /** The amount an authorisation held was released (its hold expired, or the seller released it) before the seller captured it. */
    public static final ErrorCode AUTHORISATION_EXPIRED = ErrorCode.declare("order.authorisation-expired", Kind.REFUSED);
    /** A release of an authorisation the seller has already captured: the money moved, nothing is held any more. */
    public static final ErrorCode CAPTURED = ErrorCode.declare("order.captured", Kind.CONFLICT);

    /** A party channel request answers a challenge that is unknown, spent or expired. */
    public static final ErrorCode CHALLENGE_UNKNOWN = ErrorCode.declare("order.challenge-unknown", Kind.UNAUTHENTICATED);
    /** A party channel proof, request or reply does not open under the pairwise key. */
    public static final ErrorCode PARTY_UNAUTHENTICATED = ErrorCode.declare("order.party-unauthenticated", Kind.UNAUTHENTICATED);
    /** A party identifier is registered already, with other keys. */
    public static final ErrorCode PARTY_EXISTS = ErrorCode.declare("order.party-exists", Kind.CONFLICT);

    /** A refusal with one of the codes above, for the parties' own modules. */
    public static OrderException of(ErrorCode code, String message) {
        return new OrderException(code, message);
    }

    /**
     * A refusal of {@code kind} with a code another party answered with (a seller refuses an order
     * with the reason its issuer declined it for, whatever kind that reason is at the issuer).
     */
    public static OrderException relayed(Kind kind, ErrorCode code, String message) {
        return new OrderException(kind, code, message);
    }

    OrderException(ErrorCode code, String message) {
        super(code, message);
    }

    private OrderException(Kind kind, ErrorCode code, String message) {
        super(kind, code, message);
    }

    static OrderException unknownParty(String id) {
        return new OrderException(UNKNOWN_PARTY, "no key directory entry for party " + id);
    }

    public static OrderException wrongRecipient(String message) {
        return new OrderException(WRONG_RECIPIENT, message);
    }

    static OrderException partTampered(String recipient) {
        return new OrderException(PART_TAMPERED,
                "the part for " + recipient + " cannot be opened: wrong key, moved, re-addressed or altered");
    }

    static OrderException bindingMismatch(String message) {
        return new OrderException(BINDING_MISMATCH, message);
    }

    public static OrderException malformed(String message) {
        return new OrderException(MALFORMED, message);
    }

    static OrderException fieldNotAllowed(String field, SplitOrder.Role role) {
        return new OrderException(FIELD_NOT_ALLOWED,
                "the order form does not give field '" + field + "' to the " + role);
    }

    static OrderException badKey(String message) {
        return new OrderException(BAD_KEY, message);
    }

    /** Runs an X25519 step, reporting an unusable key as S2's {@link #BAD_KEY}. */
    static <T> T withPeerKey(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (CryptoException e) {
            if (e.code() == CryptoException.BAD_KEY || e.code() == CryptoException.WEAK_KEY) {
                throw badKey(e.getMessage());
            }
            throw e;
        }
    }

    static OrderException replayed(String orderId) {
        return new OrderException(REPLAYED, "order " + orderId + " was already received");
    }
}
