package escudo.s2.protocol;

import escudo.core.EscudoException;
import escudo.crypto.CryptoException;

/** A split order or pairwise key was refused. Messages never carry key material or part contents. */
public final class OrderException extends EscudoException {

    /** The peer identifier has no entry in the key directory. */
    public static final String UNKNOWN_PARTY = "order.unknown-party";
    /** The bundle holds no part for the party trying to open it, or a party asked for another's part. */
    public static final String WRONG_RECIPIENT = "order.wrong-recipient";
    /** Authenticated decryption failed: wrong key, part moved, re-addressed or altered. */
    public static final String PART_TAMPERED = "order.part-tampered";
    /** The digest, a commitment or the header inside a part does not match the bundle. */
    public static final String BINDING_MISMATCH = "order.binding-mismatch";
    /** A bundle, part, share or identifier is not well formed. */
    public static final String MALFORMED = "order.malformed";
    /** The holder put a field into a part that the order form does not give to that party. */
    public static final String FIELD_NOT_ALLOWED = "order.field-not-allowed";
    /** A public key, or the shared secret it gives, is unusable (low order, wrong length). */
    public static final String BAD_KEY = "order.bad-key";
    /** The same order reached this party a second time. */
    public static final String REPLAYED = "order.replayed";

    /** The issuer declined the card: unknown, failing its check digit, expired, blocked or not the holder's. */
    public static final String CARD_DECLINED = "order.card-declined";
    /** The holder's account cannot pay the amount. */
    public static final String INSUFFICIENT_FUNDS = "order.insufficient-funds";
    /** Two parties were given different amounts (seller part vs offer, issuer part vs seller). */
    public static final String AMOUNT_MISMATCH = "order.amount-mismatch";
    /** The seller's part names other items than the offer. */
    public static final String ITEMS_MISMATCH = "order.items-mismatch";
    /** The seller issued no such offer, or it expired. */
    public static final String OFFER_UNKNOWN = "order.offer-unknown";
    /** No such order or delivery for the asking party. */
    public static final String NOT_FOUND = "order.not-found";
    /** The amount an authorisation held was released (its hold expired) before the seller captured it. */
    public static final String AUTHORISATION_EXPIRED = "order.authorisation-expired";

    /** A refusal with one of the codes above, for the parties' own modules. */
    public static OrderException of(Kind kind, String code, String message) {
        return new OrderException(kind, code, message);
    }

    OrderException(Kind kind, String code, String message) {
        super(kind, code, message);
    }

    static OrderException unknownParty(String id) {
        return new OrderException(Kind.NOT_FOUND, UNKNOWN_PARTY, "no key directory entry for party " + id);
    }

    public static OrderException wrongRecipient(String message) {
        return new OrderException(Kind.REFUSED, WRONG_RECIPIENT, message);
    }

    static OrderException partTampered(String recipient) {
        return new OrderException(Kind.UNAUTHENTICATED, PART_TAMPERED,
                "the part for " + recipient + " cannot be opened: wrong key, moved, re-addressed or altered");
    }

    static OrderException bindingMismatch(String message) {
        return new OrderException(Kind.UNAUTHENTICATED, BINDING_MISMATCH, message);
    }

    public static OrderException malformed(String message) {
        return new OrderException(Kind.INVALID, MALFORMED, message);
    }

    static OrderException fieldNotAllowed(String field, SplitOrder.Role role) {
        return new OrderException(Kind.INVALID, FIELD_NOT_ALLOWED,
                "the order form does not give field '" + field + "' to the " + role);
    }

    static OrderException badKey(String message) {
        return new OrderException(Kind.INVALID, BAD_KEY, message);
    }

    /** Runs an X25519 step, reporting an unusable key as S2's {@link #BAD_KEY}. */
    static <T> T withPeerKey(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (CryptoException e) {
            if (CryptoException.BAD_KEY.equals(e.code())) {
                throw badKey(e.getMessage());
            }
            throw e;
        }
    }

    static OrderException replayed(String orderId) {
        return new OrderException(Kind.CONFLICT, REPLAYED, "order " + orderId + " was already received");
    }
}
