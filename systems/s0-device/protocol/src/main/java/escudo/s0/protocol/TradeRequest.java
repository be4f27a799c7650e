package escudo.s0.protocol;

import escudo.core.Money;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import java.util.Objects;

/** What a registered device asks the issuer inside a protected trade message (seed 000, "trade data"). */
public sealed interface TradeRequest {

    String DOMAIN = "escudo/s0/request/v1";

    /** The balances of the user's accounts. */
    record BalanceInquiry() implements TradeRequest {
    }

    /** A transfer between two of the user's own accounts ("current", "savings"); idempotent by id. */
    record OwnTransfer(String transferId, String fromAccount, String toAccount, Money amount) implements TradeRequest {
        public OwnTransfer {
            DeviceRegistration.text(transferId, "transferId", 64);
            DeviceRegistration.text(fromAccount, "fromAccount", 32);
            DeviceRegistration.text(toAccount, "toAccount", 32);
            if (!Objects.requireNonNull(amount, "amount").isPositive()) {
                throw TradeException.malformed("a transfer moves a positive amount");
            }
        }
    }

    /** A purchase order paid from the user's current account to a merchant; idempotent by order id. */
    record PurchaseOrder(String orderId, String merchantId, Money amount, String description) implements TradeRequest {
        public PurchaseOrder {
            DeviceRegistration.text(orderId, "orderId", 64);
            DeviceRegistration.text(merchantId, "merchantId", 64);
            if (!Objects.requireNonNull(amount, "amount").isPositive()) {
                throw TradeException.malformed("an order costs a positive amount");
            }
            description = description == null ? "" : description;
        }
    }

    default byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN);
        switch (this) {
            case BalanceInquiry b -> w.string("balance-inquiry");
            case OwnTransfer t -> w.string("own-transfer").string(t.transferId()).string(t.fromAccount()).string(t.toAccount())
                    .money(t.amount());
            case PurchaseOrder o -> w.string("purchase-order").string(o.orderId()).string(o.merchantId())
                    .money(o.amount()).string(o.description());
        }
        return w.toByteArray();
    }

    static TradeRequest decode(byte[] bytes) {
        try {
            CanonicalReader r = CanonicalReader.expect(bytes, DOMAIN);
            TradeRequest request = switch (r.string()) {
                case "balance-inquiry" -> new BalanceInquiry();
                case "own-transfer" -> new OwnTransfer(r.string(), r.string(), r.string(), r.money());
                case "purchase-order" -> new PurchaseOrder(r.string(), r.string(), r.money(), r.string());
                default -> throw TradeException.malformed("unknown trade request");
            };
            r.end();
            return request;
        } catch (CryptoException e) {
            throw TradeException.malformed("the trade request is malformed: " + e.getMessage());
        }
    }
}
