package escudo.s3.server.simulation;

import java.util.Map;
import java.util.TreeMap;

/**
 * The simulation's own double-entry books: what every ledger account of the bank must hold,
 * moved only by what the simulation saw the bank do (an account opened, a card issued, a top-up
 * acknowledged, a payment cleared). After every step the bank's ledger must show exactly these.
 */
final class Books {

    private final Map<String, Long> balances = new TreeMap<>();

    void open(String account) {
        balances.putIfAbsent(account, 0L);
    }

    void move(String from, String to, long amount) {
        require(from);
        require(to);
        balances.merge(from, -amount, Long::sum);
        balances.merge(to, amount, Long::sum);
    }

    long balance(String account) {
        return balances.getOrDefault(account, 0L);
    }

    /** Every account and its expected balance, by id. */
    Map<String, Long> all() {
        return Map.copyOf(balances);
    }

    private void require(String account) {
        if (!balances.containsKey(account)) {
            throw new IllegalStateException("the simulation moved money through " + account + ", which it never opened");
        }
    }
}
