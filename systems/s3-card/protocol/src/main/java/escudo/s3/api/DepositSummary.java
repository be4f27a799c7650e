package escudo.s3.api;

import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.ProtocolException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What one deposit call achieved: how many payments went in, the bank's signed receipt for each
 * batch in the order sent, and how many collected payments still wait (a call sends a bounded
 * number of batches, so that it answers within seconds however long the backlog; call again until
 * {@code remaining} is 0).
 */
public record DepositSummary(int sent, List<DepositReceipt> receipts, long remaining) {

    public DepositSummary {
        receipts = List.copyOf(Objects.requireNonNull(receipts, "receipts"));
        if (remaining < 0 || sent != receipts.stream().mapToInt(r -> r.statuses().size()).sum()) {
            throw new ProtocolException(ProtocolException.MALFORMED, "a deposit summary counts the statuses of its receipts");
        }
    }

    /** The summary of a call that sent these batches, each answered by its receipt, and left {@code remaining} collected. */
    public static DepositSummary of(List<DepositReceipt> receipts, long remaining) {
        return new DepositSummary(receipts.stream().mapToInt(r -> r.statuses().size()).sum(), receipts, remaining);
    }

    /** Every payment's status, batch after batch. */
    public Stream<DepositReceipt.Status> statuses() {
        return receipts.stream().flatMap(r -> r.statuses().stream());
    }

    public long count(DepositReceipt.Outcome outcome) {
        return statuses().filter(s -> s.outcome() == outcome).count();
    }
}
