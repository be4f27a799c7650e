package escudo.s2.server.seller;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.s2.protocol.OrderException;
import escudo.s2.protocol.OrderMessage.Authorisation;
import escudo.s2.protocol.OrderMessage.AuthorisationRequest;
import escudo.s2.protocol.OrderMessage.Capture;
import escudo.s2.protocol.OrderMessage.CaptureRequest;
import escudo.s2.protocol.OrderMessage.Decision;
import escudo.s2.protocol.OrderMessage.DeliveryQuery;
import escudo.s2.protocol.OrderMessage.DeliveryReceipt;
import escudo.s2.protocol.OrderMessage.DeliveryRequest;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s2.protocol.OrderMessage.Release;
import escudo.s2.protocol.OrderMessage.ReleaseRequest;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.protocol.SplitOrder;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.SplitOrder.Opened;
import escudo.s2.protocol.SplitOrder.Sealed;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The issuer and the courier as the shop reaches them: each really opens its own part of the
 * bundle with its keys, then answers as the test tells it. Counts every call, failed ones too.
 */
final class TestPartners implements OrderPartners {

    /** The node's code for a party it cannot reach; it lives in escudo-node, which this module does not see. */
    static final ErrorCode PARTY_UNREACHABLE = ErrorCode.decode("party.unreachable", Kind.INTERNAL);

    enum IssuerMode {
        APPROVE,
        DECLINE,
        /** The call fails: party.unreachable (kind INTERNAL). */
        UNREACHABLE,
        /**
         * The call throws {@link #thrown} after the issuer processed the bundle: a forged problem
         * document on the way back, or a channel failure after the request was sent.
         */
        THROW
    }

    private final PairwiseKeys issuerKeys;
    private final PairwiseKeys courierKeys;
    private final Clock clock;

    volatile IssuerMode issuer = IssuerMode.APPROVE;
    volatile String declineReason = OrderException.CARD_DECLINED.value();
    volatile EscudoException thrown = OrderException.of(OrderException.CARD_DECLINED, "forged");
    /** The issuer's answers (approvals and declines) name another digest than the bundle's. */
    volatile boolean otherDigest;
    volatile boolean courierDown;
    /** capture() fails: party.unreachable. */
    volatile boolean captureDown;
    /** capture() answers with one minor unit more than was approved. */
    volatile boolean captureOtherAmount;
    /** release() fails: party.unreachable. */
    volatile boolean releaseDown;
    /** release() answers with one minor unit more than was approved. */
    volatile boolean releaseOtherAmount;
    /** What the courier's receipts report, to deliver() and deliveryStatus() alike: see {@link #courierMoves}. */
    volatile DeliveryState deliveryState = DeliveryState.ACCEPTED;
    volatile Instant pickedUpAt;
    /** When set, authorise() announces itself on {@code issuerEntered} and waits for this gate. */
    volatile CountDownLatch issuerGate;
    final CountDownLatch issuerEntered = new CountDownLatch(1);

    final AtomicInteger authorisations = new AtomicInteger();
    final AtomicInteger deliveries = new AtomicInteger();
    /** Every capture request that reached the issuer, failed ones too. */
    final List<CaptureRequest> captures = new CopyOnWriteArrayList<>();
    /** Every release request that reached the issuer, failed ones too. */
    final List<ReleaseRequest> releases = new CopyOnWriteArrayList<>();
    /** Authorisation ids the issuer paid, and those whose hold it voided: a hold is one or the other, never both. */
    private final Set<String> paid = ConcurrentHashMap.newKeySet();
    private final Set<String> voided = ConcurrentHashMap.newKeySet();
    /** What the test issuer approved, by authorisation id: the amount a capture pays. */
    private final Map<String, Money> approved = new ConcurrentHashMap<>();
    final AtomicInteger deliveryQueries = new AtomicInteger();
    /** What the issuer and the courier read from their parts. */
    final List<Opened<IssuerPart>> issuerParts = new CopyOnWriteArrayList<>();
    final List<Opened<CourierPart>> courierParts = new CopyOnWriteArrayList<>();
    final Map<String, String> parcels = new ConcurrentHashMap<>();
    final List<Money> requestedAmounts = new CopyOnWriteArrayList<>();
    private final Map<String, Opened<CourierPart>> deliveriesByTracking = new ConcurrentHashMap<>();

    TestPartners(PairwiseKeys issuerKeys, PairwiseKeys courierKeys, Clock clock) {
        this.issuerKeys = issuerKeys;
        this.courierKeys = courierKeys;
        this.clock = clock;
    }

    @Override
    public Authorisation authorise(String issuerId, AuthorisationRequest request) {
        authorisations.incrementAndGet();
        CountDownLatch gate = issuerGate;
        if (gate != null) {
            issuerEntered.countDown();
            await(gate);
        }
        if (issuer == IssuerMode.UNREACHABLE) {
            throw unreachable(issuerId);
        }
        Sealed bundle = Sealed.decode(request.bundle().toByteArray());
        Opened<IssuerPart> part = SplitOrder.open(bundle, issuerId, issuerKeys, IssuerPart.class);
        issuerParts.add(part);
        requestedAmounts.add(request.amount());
        if (issuer == IssuerMode.THROW) {
            throw thrown;
        }
        Bytes digest = otherDigest ? Bytes.of(new byte[32]) : bundle.digest();
        if (!part.part().amount().equals(Optional.of(request.amount()))) {
            return new Authorisation(bundle.orderId(), bundle.holderId(), digest, Decision.DECLINED, null, null,
                    OrderException.AMOUNT_MISMATCH.value(), "the seller asks another amount than the holder authorised");
        }
        if (issuer == IssuerMode.DECLINE) {
            return new Authorisation(bundle.orderId(), bundle.holderId(), digest, Decision.DECLINED, null, null,
                    declineReason, "declined by the test issuer");
        }
        approved.put("AUTH-" + bundle.orderId(), request.amount());
        return new Authorisation(bundle.orderId(), bundle.holderId(), digest, Decision.APPROVED, request.amount(),
                "AUTH-" + bundle.orderId(), null, null);
    }

    @Override
    public Capture capture(String issuerId, CaptureRequest request) {
        captures.add(request);
        if (captureDown) {
            throw unreachable(issuerId);
        }
        Money amount = approved.get(request.authorisationId());
        if (amount == null) {
            throw OrderException.of(OrderException.NOT_FOUND, "no such authorisation");
        }
        if (voided.contains(request.authorisationId())) {
            throw OrderException.of(OrderException.AUTHORISATION_EXPIRED, "released before it was captured");
        }
        paid.add(request.authorisationId());
        Money answered = captureOtherAmount ? amount.plus(new Money(1, amount.currency())) : amount;
        return new Capture(request.orderId(), request.holderId(), request.authorisationId(), answered, clock.instant());
    }

    @Override
    public Release release(String issuerId, ReleaseRequest request) {
        releases.add(request);
        if (releaseDown) {
            throw unreachable(issuerId);
        }
        Money amount = approved.get(request.authorisationId());
        if (amount == null) {
            throw OrderException.of(OrderException.NOT_FOUND, "no such authorisation");
        }
        if (paid.contains(request.authorisationId())) {
            throw OrderException.of(OrderException.CAPTURED, "already captured");
        }
        voided.add(request.authorisationId());
        Money answered = releaseOtherAmount ? amount.plus(new Money(1, amount.currency())) : amount;
        return new Release(request.orderId(), request.holderId(), request.authorisationId(), answered, clock.instant());
    }

    /** The courier's desk moves the parcel: a pickup is remembered with its time, as the real courier does. */
    void courierMoves(DeliveryState state) {
        if (state == DeliveryState.PICKED_UP && pickedUpAt == null) {
            pickedUpAt = clock.instant();
        }
        deliveryState = state;
    }

    @Override
    public DeliveryReceipt deliver(String courierId, DeliveryRequest request) {
        deliveries.incrementAndGet();
        if (courierDown) {
            throw unreachable(courierId);
        }
        Sealed bundle = Sealed.decode(request.bundle().toByteArray());
        Opened<CourierPart> part = SplitOrder.open(bundle, courierId, courierKeys, CourierPart.class);
        courierParts.add(part);
        String tracking = "TRK-" + bundle.orderId();
        parcels.put(tracking, request.parcel());
        deliveriesByTracking.put(tracking, part);
        return new DeliveryReceipt(tracking, bundle.orderId(), bundle.holderId(), deliveryState, clock.instant(), pickedUpAt);
    }

    @Override
    public DeliveryReceipt deliveryStatus(String courierId, DeliveryQuery query) {
        deliveryQueries.incrementAndGet();
        if (courierDown) {
            throw unreachable(courierId);
        }
        Opened<CourierPart> part = deliveriesByTracking.get(query.trackingId());
        if (part == null) {
            throw OrderException.of(OrderException.NOT_FOUND, "no such delivery");
        }
        return new DeliveryReceipt(query.trackingId(), part.orderId(), part.holderId(), deliveryState, clock.instant(), pickedUpAt);
    }

    private static EscudoException unreachable(String party) {
        return new EscudoException(PARTY_UNREACHABLE, party + " is unreachable");
    }

    private static void await(CountDownLatch gate) {
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the issuer's gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
