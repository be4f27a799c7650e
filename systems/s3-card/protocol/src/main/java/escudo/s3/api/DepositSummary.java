package escudo.s3.api;

import escudo.s3.protocol.DepositReceipt;

/** What a deposit run achieved: how many payments went in and the bank's signed receipt. */
public record DepositSummary(int sent, DepositReceipt receipt) {

    public long count(DepositReceipt.Outcome outcome) {
        return receipt == null ? 0 : receipt.statuses().stream().filter(s -> s.outcome() == outcome).count();
    }
}
