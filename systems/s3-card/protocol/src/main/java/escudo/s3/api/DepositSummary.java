package escudo.s3.api;

import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.ProtocolException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a deposit run achieved: how many payments went in and the bank's signed receipt for each
 * batch, in the order sent. {@code receipt} is the first of them (the only one when the payments
 * fit one batch), null when nothing was collected.
 */
public record DepositSummary(int sent, DepositReceipt receipt, List<DepositReceipt> receipts) {

    public DepositSummary {
        receipts = List.copyOf(Objects.requireNonNull(receipts, "receipts"));
        if (!Objects.equals(receipt, receipts.isEmpty() ? null : receipts.getFirst())) {
            throw new ProtocolException(ProtocolException.MALFORMED, "a deposit summary's receipt is the first of its receipts");
        }
    }

    /** The summary of a run that sent these batches, each answered by its receipt. */
    public static DepositSummary of(List<DepositReceipt> receipts) {
        return new DepositSummary(receipts.stream().mapToInt(r -> r.statuses().size()).sum(),
                receipts.isEmpty() ? null : receipts.getFirst(), receipts);
    }

    /** Every payment's status, batch after batch. */
    public Stream<DepositReceipt.Status> statuses() {
        return receipts.stream().flatMap(r -> r.statuses().stream());
    }

    public long count(DepositReceipt.Outcome outcome) {
        return statuses().filter(s -> s.outcome() == outcome).count();
    }
}
