package escudo.s2.server.seller;

import escudo.s2.protocol.OrderMessage;

/**
 * How the seller reaches the issuer and the courier; the node implements it over the
 * authenticated party channel. Only a returned answer counts: a call that throws an
 * {@link escudo.core.EscudoException} (party unreachable, channel failure, or a problem document,
 * which is not authenticated, whatever its code) leaves the order where it was, and the shop asks
 * again later with the same bundle, which both parties answer idempotently. The issuer answers
 * every refusal about a genuine bundle as a DECLINED {@link OrderMessage.Authorisation}.
 */
public interface OrderPartners {

    OrderMessage.Authorisation authorise(String issuerId, OrderMessage.AuthorisationRequest request);

    OrderMessage.Capture capture(String issuerId, OrderMessage.CaptureRequest request);

    OrderMessage.Release release(String issuerId, OrderMessage.ReleaseRequest request);

    OrderMessage.DeliveryReceipt deliver(String courierId, OrderMessage.DeliveryRequest request);

    OrderMessage.DeliveryReceipt deliveryStatus(String courierId, OrderMessage.DeliveryQuery query);
}
