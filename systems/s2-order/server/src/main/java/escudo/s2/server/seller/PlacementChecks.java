package escudo.s2.server.seller;

import static escudo.s2.server.seller.Refusals.malformed;
import static escudo.s2.server.seller.Refusals.replayed;

import escudo.core.EscudoException.Kind;
import escudo.s2.client.Shopper;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.Basket.Line;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import escudo.s2.server.seller.ShopStore.OfferRow;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seed 002, claim 1, on the seller's side: a placed order is the sending holder's, and its
 * seller part agrees with the offer it answers (parties, items, amount, payment type). Each
 * check refuses before anything is stored.
 */
final class PlacementChecks {

    static final int MAX_BUNDLE_BYTES = 32 * 1024;

    private PlacementChecks() {
    }

    /** The bundle, which must be the sender's own order. */
    static Sealed bundleOf(String holderId, byte[] encoded) {
        if (encoded.length > MAX_BUNDLE_BYTES) {
            throw malformed("a sealed order has at most " + MAX_BUNDLE_BYTES + " bytes");
        }
        Sealed bundle = Sealed.decode(encoded);
        if (!bundle.holderId().equals(holderId)) {
            throw OrderException.of(OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " is not the sending holder's");
        }
        return bundle;
    }

    /**
     * Checks the opened seller part against {@code offer}, open and unexpired at {@code now};
     * returns the holder's contact, the one field of the part the shop keeps.
     */
    static String againstOffer(Sealed bundle, SellerPart part, OfferRow offer, Instant now) {
        if (offer.used()) {
            throw replayed(bundle.orderId());
        }
        if (!now.isBefore(offer.expiresAt())) {
            throw OrderException.of(OrderException.OFFER_UNKNOWN, "the offer for order " + offer.orderId() + " expired");
        }
        checkParties(bundle, offer);
        String contact = required(part.contact(), SplitOrder.CONTACT);
        List<Line> items = required(part.items(), SplitOrder.ITEMS);
        if (!items.equals(SellerPart.items(offer.items()))) {
            throw OrderException.of(OrderException.ITEMS_MISMATCH,
                    "the order names other items than offer " + offer.orderId());
        }
        if (!required(part.amount(), SplitOrder.AMOUNT).equals(offer.amount())) {
            throw OrderException.of(OrderException.AMOUNT_MISMATCH,
                    "the amount in the seller's part differs from the offer's");
        }
        if (!required(part.paymentType(), SplitOrder.PAYMENT_TYPE).equals(Shopper.FULL_PAYMENT)) {
            throw malformed("this shop accepts payment type '" + Shopper.FULL_PAYMENT + "' only");
        }
        return contact;
    }

    /** Exactly one part per role, the issuer's and the courier's addressed to the parties of the offer. */
    private static void checkParties(Sealed bundle, OfferRow offer) {
        Map<Role, String> recipients = new EnumMap<>(Role.class);
        for (SplitOrder.SealedPart part : bundle.parts()) {
            if (recipients.put(part.role(), part.recipient()) != null) {
                throw OrderException.of(OrderException.BINDING_MISMATCH,
                        "order " + bundle.orderId() + " has two parts for the " + part.role());
            }
        }
        if (recipients.size() != Role.values().length || !offer.issuerId().equals(recipients.get(Role.ISSUER))
                || !offer.courierId().equals(recipients.get(Role.COURIER))) {
            throw OrderException.of(OrderException.BINDING_MISMATCH,
                    "order " + bundle.orderId() + " is not addressed to the issuer and courier of its offer");
        }
    }

    /** The offer's form gives the seller every field of its part; the message names the field, never a value. */
    private static <T> T required(Optional<T> value, String field) {
        return value.orElseThrow(() -> malformed("the seller's part lacks field '" + field + "'"));
    }
}
