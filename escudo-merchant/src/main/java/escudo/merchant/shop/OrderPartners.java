package escudo.merchant.shop;

import escudo.order.OrderMessage;

/**
 * How the seller reaches the issuer and the courier; the node implements it over the
 * authenticated party channel. A call that could not be completed (party unreachable, no answer)
 * throws an {@link escudo.core.EscudoException} of kind {@code INTERNAL}; the shop then asks
 * again later with the same bundle, which both parties answer idempotently.
 */
public interface OrderPartners {

    OrderMessage.Authorisation authorise(String issuerId, OrderMessage.AuthorisationRequest request);

    OrderMessage.DeliveryReceipt deliver(String courierId, OrderMessage.DeliveryRequest request);

    OrderMessage.DeliveryReceipt deliveryStatus(String courierId, OrderMessage.DeliveryQuery query);
}
