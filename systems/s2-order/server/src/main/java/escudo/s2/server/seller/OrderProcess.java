package escudo.s2.server.seller;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import static escudo.s2.server.seller.Refusals.abbreviate;

import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Authorisation;
import escudo.s2.protocol.OrderMessage.AuthorisationRequest;
import escudo.s2.protocol.OrderMessage.Capture;
import escudo.s2.protocol.OrderMessage.CaptureRequest;
import escudo.s2.protocol.OrderMessage.DeliveryQuery;
import escudo.s2.protocol.OrderMessage.DeliveryReceipt;
import escudo.s2.protocol.OrderMessage.DeliveryRequest;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.OrderState;
import escudo.s2.protocol.OrderMessage.Release;
import escudo.s2.protocol.OrderMessage.ReleaseRequest;
import escudo.s2.server.seller.ShopStore.StoredOrder;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An order's way through the partners (seed 002, Fig. 1, steps 5 to 7): the issuer authorises
 * and holds the amount, the courier takes the order, and once the courier reports the parcel
 * picked up (or delivered) the seller captures the amount and the issuer pays it. A delivery
 * that fails before the courier had the parcel is never paid: the seller releases the hold. The
 * placement goes as far as the courier's acceptance; every later step happens on the status
 * query that learns of it. Only an answer that echoes the order (id, holder and, from the
 * issuer, the bundle's digest) moves it on: a call that throws, whatever its code, is no answer,
 * because problem documents are not authenticated. Such an order stays where it was until the
 * next {@link #advance}.
 */
final class OrderProcess {

    private static final System.Logger LOG = System.getLogger(Shop.class.getName());
    /** A decline reason is a short code such as {@code order.card-declined} or {@code issuer.unknown-merchant}. */
    private static final Pattern DECLINE_CODE = Pattern.compile("[a-z][a-z0-9-]{0,15}\\.[a-z0-9-]{1,47}");
    private static final Pattern PARTNER_ID = Pattern.compile("\\S{1,128}");

    /** Where an order got to, and the issuer's sealed decline to hand to the holder at placement. */
    record Step(StoredOrder order, EscudoException refusal) {
    }

    private final ShopStore store;
    private final OrderPartners partners;
    private final Clock clock;

    OrderProcess(ShopStore store, OrderPartners partners, Clock clock) {
        this.store = store;
        this.partners = partners;
        this.clock = clock;
    }

    /** Whether the partners still have something to do for the order: authorise, deliver, pay it, or release its hold. */
    static boolean pending(StoredOrder order) {
        OrderState state = order.state();
        return state == OrderState.AWAITING_AUTHORISATION || state == OrderState.AUTHORISED || state == OrderState.DISPATCHED
                || awaitsCapture(order) || awaitsRelease(order);
    }

    /** Takes a pending order as far as the partners allow, under the lease the caller holds, and gives the lease up. */
    Step advance(StoredOrder order, String lease) {
        try {
            StoredOrder current = order;
            EscudoException refusal = null;
            if (current.state() == OrderState.AWAITING_AUTHORISATION) {
                Step step = authorise(current);
                current = step.order();
                refusal = step.refusal();
            }
            if (current.state() == OrderState.AUTHORISED) {
                current = dispatch(current);
            } else if (current.state() == OrderState.DISPATCHED) {
                current = track(current);
            }
            if (awaitsCapture(current)) {
                current = capture(current);
            } else if (awaitsRelease(current)) {
                current = release(current);
            }
            return new Step(current, refusal);
        } finally {
            store.release(order.orderId(), lease);
        }
    }

    /**
     * Step 5: the issuer authorises the amount over the order's digest, and holds it. Only its
     * answer echoing the order can decline it; an exception, even one with an {@code order.*}
     * code, is an unauthenticated problem document or a channel failure, so the order waits.
     */
    private Step authorise(StoredOrder order) {
        Authorisation answer;
        try {
            answer = partners.authorise(order.issuerId(), new AuthorisationRequest(order.bundle(), order.amount()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "no authorisation for order {0} ({1}); asking again on the next status query",
                    order.orderId(), e.code());
            return new Step(order, null);
        }
        if (!answers(order, answer)) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0}''s answer does not match order {1}; asking again on the next status query",
                    order.issuerId(), order.orderId());
            return new Step(order, null);
        }
        if (answer.decision() == OrderMessage.Decision.APPROVED) {
            return new Step(move(order, OrderState.AWAITING_AUTHORISATION, OrderState.AUTHORISED, "authorisation_id",
                    answer.authorisationId()), null);
        }
        ErrorCode reason = answer.reason() != null && DECLINE_CODE.matcher(answer.reason()).matches()
                ? ErrorCode.decode(answer.reason(), Kind.REFUSED) : OrderException.CARD_DECLINED;
        StoredOrder declined = move(order, OrderState.AWAITING_AUTHORISATION, OrderState.DECLINED, "reason", reason.value());
        String detail = answer.detail() == null ? "" : ": " + abbreviate(answer.detail());
        return new Step(declined, declined.state() == OrderState.DECLINED
                ? OrderException.relayed(Kind.REFUSED, reason, "the issuer declined order " + order.orderId() + detail) : null);
    }

    /** The issuer's answer must be about this order and bundle, and approve exactly its amount. */
    private static boolean answers(StoredOrder order, Authorisation answer) {
        if (answer == null || !order.orderId().equals(answer.orderId()) || !order.holderId().equals(answer.holderId())
                || !Bytes.ofHex(order.digest()).equals(answer.digest())) {
            return false;
        }
        return answer.decision() == OrderMessage.Decision.DECLINED
                || order.amount().equals(answer.amount()) && validPartnerId(answer.authorisationId());
    }

    /** Step 6: the courier takes the authorised order; the amount stays held until it has the parcel. */
    private StoredOrder dispatch(StoredOrder order) {
        DeliveryReceipt receipt;
        try {
            receipt = partners.deliver(order.courierId(), new DeliveryRequest(order.bundle(), order.items()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "courier {0} did not take order {1} ({2}); asking again on the next status query",
                    order.courierId(), order.orderId(), e.code());
            return order;
        }
        if (!answers(order, receipt) || !validPartnerId(receipt.trackingId())) {
            LOG.log(System.Logger.Level.WARNING, "courier {0}''s receipt does not match order {1}; asking again on the next status query",
                    order.courierId(), order.orderId());
            return order;
        }
        return learn(order, receipt);
    }

    /**
     * Step 7: the courier has the parcel (it reported it picked up, or delivered, or failed after
     * pickup), so the goods have left the shop: the seller captures the held amount and the issuer
     * pays it. Only an answer echoing the order, its authorisation id and amount counts as paid;
     * anything else leaves the capture for the next status query, and a hold never captured
     * expires at the issuer, which gives the holder the money back.
     */
    private StoredOrder capture(StoredOrder order) {
        Capture paid;
        try {
            paid = partners.capture(order.issuerId(), new CaptureRequest(order.orderId(), order.holderId(), order.authorisationId()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0} did not capture order {1} ({2}); asking again on the next status query",
                    order.issuerId(), order.orderId(), e.code());
            return order;
        }
        if (paid == null || !order.orderId().equals(paid.orderId()) || !order.holderId().equals(paid.holderId())
                || !order.authorisationId().equals(paid.authorisationId()) || !order.amount().equals(paid.amount())) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0}''s capture does not match order {1}; asking again on the next status query",
                    order.issuerId(), order.orderId());
            return order;
        }
        return store.captured(order, clock.instant());
    }

    /**
     * The delivery failed before the courier had the parcel: the goods never left the shop and the
     * order will never be paid, so the seller releases the hold and the holder has the amount back
     * now, not when the hold expires. Only an answer echoing the order, its authorisation id and
     * amount counts; anything else leaves it for the next status query (the hold expires anyway).
     */
    private StoredOrder release(StoredOrder order) {
        Release released;
        try {
            released = partners.release(order.issuerId(), new ReleaseRequest(order.orderId(), order.holderId(), order.authorisationId()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0} did not release order {1} ({2}); asking again on the next status query",
                    order.issuerId(), order.orderId(), e.code());
            return order;
        }
        if (released == null || !order.orderId().equals(released.orderId()) || !order.holderId().equals(released.holderId())
                || !order.authorisationId().equals(released.authorisationId()) || !order.amount().equals(released.amount())) {
            LOG.log(System.Logger.Level.WARNING, "issuer {0}''s release does not match order {1}; asking again on the next status query",
                    order.issuerId(), order.orderId());
            return order;
        }
        return store.released(order, clock.instant());
    }

    /** After dispatch: what the courier reports about the delivery. */
    private StoredOrder track(StoredOrder order) {
        DeliveryReceipt receipt;
        try {
            receipt = partners.deliveryStatus(order.courierId(), new DeliveryQuery(order.trackingId()));
        } catch (EscudoException e) {
            LOG.log(System.Logger.Level.WARNING, "courier {0} not reached about order {1} ({2})",
                    order.courierId(), order.orderId(), e.code());
            return order;
        }
        if (!answers(order, receipt) || !order.trackingId().equals(receipt.trackingId())) {
            LOG.log(System.Logger.Level.WARNING, "courier {0}''s report does not match order {1}", order.courierId(), order.orderId());
            return order;
        }
        return learn(order, receipt);
    }

    /**
     * Records what a receipt that answers the order says: its state, and the pickup once the
     * courier has had the parcel. An answer that changes neither writes nothing.
     */
    private StoredOrder learn(StoredOrder order, DeliveryReceipt receipt) {
        OrderState next = stateOf(receipt.state());
        Instant pickedUpAt = order.pickedUpAt() != null ? order.pickedUpAt() : pickedUpAt(receipt);
        if (next == order.state() && Objects.equals(pickedUpAt, order.pickedUpAt())) {
            return order;
        }
        return store.tracked(order, next, receipt.trackingId(), pickedUpAt, clock.instant());
    }

    /**
     * When the courier took the parcel, null if it never had it. A parcel on its way or delivered
     * was picked up, even from a courier that does not say when: then it is the time the seller learnt it.
     */
    private Instant pickedUpAt(DeliveryReceipt receipt) {
        if (receipt.pickedUpAt() != null) {
            return receipt.pickedUpAt();
        }
        return receipt.state() == DeliveryState.PICKED_UP || receipt.state() == DeliveryState.DELIVERED ? clock.instant() : null;
    }

    private static boolean answers(StoredOrder order, DeliveryReceipt receipt) {
        return receipt != null && receipt.state() != null && order.orderId().equals(receipt.orderId())
                && order.holderId().equals(receipt.holderId());
    }

    private static OrderState stateOf(OrderMessage.DeliveryState state) {
        return switch (state) {
            case ACCEPTED, PICKED_UP -> OrderState.DISPATCHED;
            case DELIVERED -> OrderState.DELIVERED;
            case FAILED -> OrderState.DELIVERY_FAILED;
        };
    }

    private StoredOrder move(StoredOrder order, OrderState from, OrderState to, String column, String value) {
        return store.move(order, from, to, column, value, clock.instant());
    }

    /** The courier has had the parcel (whatever became of the delivery since) and the issuer has not paid it yet. */
    private static boolean awaitsCapture(StoredOrder order) {
        return order.capturedAt() == null && (order.pickedUpAt() != null || order.state() == OrderState.DELIVERED);
    }

    /** The delivery failed before the courier had the parcel, and the issuer has not released the hold yet. */
    private static boolean awaitsRelease(StoredOrder order) {
        return order.state() == OrderState.DELIVERY_FAILED && order.pickedUpAt() == null && order.capturedAt() == null
                && order.releasedAt() == null;
    }

    private static boolean validPartnerId(String id) {
        return id != null && PARTNER_ID.matcher(id).matches();
    }
}
