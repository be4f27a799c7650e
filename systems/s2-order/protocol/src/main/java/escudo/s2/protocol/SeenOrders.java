package escudo.s2.protocol;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory form of the replay rule: a party accepts each (holder, order id) once. A party
 * that persists orders enforces the same rule with a unique key on (holder id, order id) in its
 * own table; this class is for tests and single-process use.
 */
public final class SeenOrders {

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Records the order; a second sight of the same holder and order id is {@code order.replayed}. */
    public <P extends OrderPart> SplitOrder.Opened<P> firstSight(SplitOrder.Opened<P> opened) {
        String key = opened.holderId().length() + ":" + opened.holderId() + "|" + opened.orderId();
        if (!seen.add(key)) {
            throw OrderException.replayed(opened.orderId());
        }
        return opened;
    }
}
