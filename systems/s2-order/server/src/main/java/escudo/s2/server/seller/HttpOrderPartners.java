package escudo.s2.server.seller;

import escudo.s2.client.ChannelClient;
import escudo.core.EscudoException;
import escudo.s2.server.seller.OrderPartners;
import escudo.s2.protocol.OrderMessage;
import java.util.Map;

/** The seller's issuer and courier over the authenticated party channel. */
public final class HttpOrderPartners implements OrderPartners, AutoCloseable {

    private final Map<String, ChannelClient> issuers;
    private final Map<String, ChannelClient> couriers;

    /** One channel per known party; a party the seller has no address for is refused as unknown. */
    public HttpOrderPartners(ChannelClient issuer, ChannelClient courier) {
        this.issuers = Map.of(issuer.peerId(), issuer);
        this.couriers = Map.of(courier.peerId(), courier);
    }

    @Override
    public OrderMessage.Authorisation authorise(String issuerId, OrderMessage.AuthorisationRequest request) {
        return peer(issuers, issuerId).call(OrderMessage.Kind.AUTHORISE, request, OrderMessage.Authorisation.class);
    }

    @Override
    public OrderMessage.Capture capture(String issuerId, OrderMessage.CaptureRequest request) {
        return peer(issuers, issuerId).call(OrderMessage.Kind.CAPTURE, request, OrderMessage.Capture.class);
    }

    @Override
    public OrderMessage.Release release(String issuerId, OrderMessage.ReleaseRequest request) {
        return peer(issuers, issuerId).call(OrderMessage.Kind.RELEASE, request, OrderMessage.Release.class);
    }

    @Override
    public OrderMessage.DeliveryReceipt deliver(String courierId, OrderMessage.DeliveryRequest request) {
        return peer(couriers, courierId).call(OrderMessage.Kind.DELIVER, request, OrderMessage.DeliveryReceipt.class);
    }

    @Override
    public OrderMessage.DeliveryReceipt deliveryStatus(String courierId, OrderMessage.DeliveryQuery query) {
        return peer(couriers, courierId).call(OrderMessage.Kind.DELIVERY_STATUS, query, OrderMessage.DeliveryReceipt.class);
    }

    private static ChannelClient peer(Map<String, ChannelClient> peers, String id) {
        ChannelClient client = peers.get(id);
        if (client == null) {
            throw new EscudoException(escudo.s2.protocol.OrderException.UNKNOWN_PARTY,
                    "this seller has no address for party " + id);
        }
        return client;
    }

    @Override
    public void close() {
        issuers.values().forEach(ChannelClient::close);
        couriers.values().forEach(ChannelClient::close);
    }
}
