package escudo.s1.server.shop;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.core.Money;
import escudo.core.Text;
import escudo.crypto.SecretBox;
import escudo.http.PartyClient;
import escudo.s1.api.ApprovalApi;
import escudo.s1.api.ShopApi;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalStatus;
import escudo.storage.Database;
import escudo.storage.Tx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A merchant's web shop that takes S1 approvals (seed 001: the service providing server 300 as a
 * shop, Figs. 3 and 5). The customer picks an item on the shop's page; the shop, a relying party of
 * the bank's S1 service as a BankID relying party is, asks the bank for the approval of a purchase
 * at its own price, keeps the bank's handle on it to itself, and follows it for the page: the
 * bank rings the phone (Flow A), or the page shows the bank's code and the shop forwards what the
 * phone signed (Flow B). The money moves at the bank, into the shop's deposit account, once.
 */
public final class Shop {

    public static final ErrorCode UNKNOWN_ITEM = ErrorCode.declare("s1.unknown-item", Kind.NOT_FOUND);
    public static final ErrorCode UNKNOWN_ORDER = ErrorCode.declare("s1.order-unknown", Kind.NOT_FOUND);
    /** A Flow B route for an order the bank rings the phone for, or the other way round. */
    public static final ErrorCode WRONG_FLOW = ErrorCode.declare("s1.wrong-flow", Kind.INVALID);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String merchantId;
    private final Database db;
    private final Clock clock;
    private final PartyClient bank;
    private final SecretBox handles;

    /** {@code handles} seals the bank's handles at rest; {@code bank} is the bank's S1 service. */
    public Shop(String merchantId, Database db, Clock clock, PartyClient bank, SecretBox handles) {
        this.merchantId = merchantId;
        this.db = db;
        this.clock = clock;
        this.bank = bank;
        this.handles = handles;
        db.migrate("s1_shop");
    }

    /** The merchant's desk sets what an item is called and costs. */
    public ShopApi.Item put(String itemId, String name, Money price) {
        Text.requireId("itemId", itemId);
        Text.requireText("name", name, 140);
        if (price == null || price.minorUnits() <= 0) {
            throw new ApprovalException(ApprovalException.INVALID_TRANSACTION, "a price is positive");
        }
        db.run(tx -> {
            if (tx.update("UPDATE s1_shop_item SET name = ?, amount_minor = ?, currency = ? WHERE item_id = ?", name, price.minorUnits(),
                    price.currency().getCurrencyCode(), itemId) == 0) {
                tx.update("INSERT INTO s1_shop_item (item_id, name, amount_minor, currency) VALUES (?, ?, ?, ?)", itemId, name, price.minorUnits(),
                        price.currency().getCurrencyCode());
            }
        });
        return new ShopApi.Item(itemId, name, price);
    }

    public List<ShopApi.Item> items() {
        return db.inTransaction(tx -> tx.query("SELECT item_id, name, amount_minor, currency FROM s1_shop_item ORDER BY item_id",
                r -> new ShopApi.Item(r.getString(1), r.getString(2), Money.of(r.getLong(3), r.getString(4)))));
    }

    /**
     * The page's checkout: the purchase of {@code itemId} at the shop's price, asked of the bank for
     * the customer's phone. The bank's refusals (no certificate on that phone, another currency)
     * come back as they are.
     */
    public ShopApi.Placed order(String itemId, String customerId, String phoneNumber, ShopApi.Flow flow) {
        if (flow == null) {
            throw new EscudoException(WRONG_FLOW, "an order says how the customer approves: PHONE or CODE");
        }
        ShopApi.Item item = db.inTransaction(tx -> tx.queryOne("SELECT item_id, name, amount_minor, currency FROM s1_shop_item WHERE item_id = ?",
                r -> new ShopApi.Item(r.getString(1), r.getString(2), Money.of(r.getLong(3), r.getString(4))), itemId))
                .orElseThrow(() -> new EscudoException(UNKNOWN_ITEM, "the shop sells no such item"));
        ApprovalApi.StartPurchase purchase = new ApprovalApi.StartPurchase(customerId, phoneNumber, merchantId, item.price(), item.name());
        String approvalId;
        byte[] handle;
        Instant expiresAt;
        if (flow == ShopApi.Flow.PHONE) {
            ApprovalApi.Started started = bank.post("/issuer/s1/approvals/purchases", purchase, ApprovalApi.Started.class);
            approvalId = started.approvalId();
            handle = started.collectToken().getBytes(StandardCharsets.US_ASCII);
            expiresAt = started.expiresAt();
        } else {
            ApprovalApi.Handoff handoff = bank.post("/issuer/s1/handoffs/purchases", purchase, ApprovalApi.Handoff.class);
            approvalId = handoff.approvalId();
            handle = handoff.ticket().toByteArray();
            expiresAt = handoff.expiresAt();
        }
        String orderId = orderId();
        Instant now = clock.instant();
        db.run(tx -> tx.update("INSERT INTO s1_shop_order (order_id, item_id, item_name, amount_minor, currency, customer_id, flow, approval_id,"
                        + " bank_handle, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", orderId, item.itemId(), item.name(),
                item.price().minorUnits(), item.price().currency().getCurrencyCode(), customerId, flow.name(), approvalId,
                Base64.getEncoder().encodeToString(handles.seal(handle, context(orderId))), ApprovalStatus.WAITING.name(), now, expiresAt));
        return new ShopApi.Placed(orderId, flow, item.name(), item.price(), expiresAt);
    }

    /** Where the order's approval stands: Flow A asks the bank (S270); Flow B knows it from the hand-off, or from the clock. */
    public ShopApi.Status collect(String orderId) {
        Row order = row(orderId);
        if (order.status().isFinal()) {
            return order.status(order.status());
        }
        if (order.flow() == ShopApi.Flow.PHONE) {
            return record(order, bank.post("/issuer/s1/approvals/" + order.approvalId() + "/collect",
                    new ApprovalApi.Collect(new String(handle(order), StandardCharsets.US_ASCII)), ApprovalApi.Status.class));
        }
        return !clock.instant().isBefore(order.expiresAt()) ? decided(order, ApprovalStatus.EXPIRED) : order.status(order.status());
    }

    /** Flow B, S330-S340: the bank's frame of this second, for the page to show. */
    public byte[] frame(String orderId) {
        Row order = requireFlow(row(orderId), ShopApi.Flow.CODE);
        try {
            return bank.post("/issuer/s1/handoffs/frame", new ApprovalApi.Ticket(Bytes.of(handle(order))), byte[].class);
        } catch (EscudoException ended) {
            endedAtTheBank(order, ended);
            throw ended;
        }
    }

    /**
     * Flow B, S390: what the phone signed, forwarded to the bank. The bank says which approval the
     * signature carried out; the shop records it against that order, and this order is paid only if
     * it was its own.
     */
    public ShopApi.Status handOver(String orderId, byte[] signed) {
        Row order = requireFlow(row(orderId), ShopApi.Flow.CODE);
        // a refusal is not this order's end: the signature may be another approval's, sent again
        ApprovalApi.Status status = bank.post("/issuer/s1/handoffs/signature", new ApprovalApi.Signature(Bytes.of(signed)), ApprovalApi.Status.class);
        db.run(tx -> decide(tx, status.approvalId(), status.status()));
        if (!status.approvalId().equals(order.approvalId())) {
            throw new ApprovalException(ApprovalException.CONTENT_MISMATCH, "the signature is for another order");
        }
        return order.status(status.status());
    }

    /** The page cancels its order's approval at the bank. */
    public ShopApi.Status cancel(String orderId) {
        Row order = row(orderId);
        ApprovalApi.Status status = order.flow() == ShopApi.Flow.PHONE
                ? bank.post("/issuer/s1/approvals/" + order.approvalId() + "/cancel", new ApprovalApi.Collect(new String(handle(order),
                StandardCharsets.US_ASCII)), ApprovalApi.Status.class)
                : bank.post("/issuer/s1/handoffs/cancel", new ApprovalApi.Ticket(Bytes.of(handle(order))), ApprovalApi.Status.class);
        return record(order, status);
    }

    /** The merchant's desk: every order, newest first. */
    public List<ShopApi.OrderView> orders() {
        return db.inTransaction(tx -> tx.query("SELECT order_id, item_name, amount_minor, currency, customer_id, flow, status, created_at"
                + " FROM s1_shop_order ORDER BY created_at DESC", r -> new ShopApi.OrderView(r.getString(1), r.getString(2),
                Money.of(r.getLong(3), r.getString(4)), r.getString(5), ShopApi.Flow.valueOf(r.getString(6)), ApprovalStatus.valueOf(r.getString(7)),
                Tx.instant(r, "created_at"))));
    }

    /** The order's own hand-off, refused at the bank because it ended (done, cancelled, expired), ends here too. */
    private void endedAtTheBank(Row order, EscudoException refusal) {
        ErrorCode code = refusal.code();
        ApprovalStatus ended = code == ApprovalException.DONE ? ApprovalStatus.DONE : code == ApprovalException.CANCELLED ? ApprovalStatus.CANCELLED
                : code == ApprovalException.EXPIRED ? ApprovalStatus.EXPIRED : null;
        if (ended != null) {
            decided(order, ended);
        }
    }

    private ShopApi.Status record(Row order, ApprovalApi.Status status) {
        if (status.status().isFinal()) {
            return decided(order, status.status());
        }
        db.run(tx -> tx.update("UPDATE s1_shop_order SET status = ? WHERE order_id = ? AND decided_at IS NULL", status.status().name(), order.orderId()));
        return order.status(status.status());
    }

    private ShopApi.Status decided(Row order, ApprovalStatus status) {
        db.run(tx -> decide(tx, order.approvalId(), status));
        return order.status(row(order.orderId()).status());
    }

    /** Records a final status once: the first one the shop learnt stays. */
    private void decide(Tx tx, String approvalId, ApprovalStatus status) {
        tx.update("UPDATE s1_shop_order SET status = ?, decided_at = ? WHERE approval_id = ? AND decided_at IS NULL", status.name(), clock.instant(),
                approvalId);
    }

    private record Row(String orderId, ShopApi.Flow flow, String approvalId, byte[] sealedHandle, ApprovalStatus status, Instant expiresAt) {

        ShopApi.Status status(ApprovalStatus status) {
            return new ShopApi.Status(orderId, status, status.hint());
        }
    }

    private Row row(String orderId) {
        return db.inTransaction(tx -> tx.queryOne("SELECT order_id, flow, approval_id, bank_handle, status, expires_at FROM s1_shop_order"
                + " WHERE order_id = ?", r -> new Row(r.getString(1), ShopApi.Flow.valueOf(r.getString(2)), r.getString(3),
                Base64.getDecoder().decode(r.getString(4)), ApprovalStatus.valueOf(r.getString(5)), Tx.instant(r, "expires_at")), orderId))
                .orElseThrow(() -> new EscudoException(UNKNOWN_ORDER, "the shop has no such order"));
    }

    private static Row requireFlow(Row order, ShopApi.Flow flow) {
        if (order.flow() != flow) {
            throw new EscudoException(WRONG_FLOW, "the order is approved another way");
        }
        return order;
    }

    private byte[] handle(Row order) {
        return handles.open(order.sealedHandle(), context(order.orderId()), "the bank's handle on an order");
    }

    private static byte[] context(String orderId) {
        return ("escudo/s1/shop-order/v1/" + orderId).getBytes(StandardCharsets.UTF_8);
    }

    private static String orderId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return "ord-" + HexFormat.of().formatHex(id);
    }
}
