package escudo.s3.server.simulation;

import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.server.issuer.Issuer;
import escudo.s3.server.merchant.BankLink;
import java.util.function.BooleanSupplier;

/**
 * A merchant's link to the bank in the same process, through the simulated network. It tells the
 * simulation about every deposit the bank actually processed, answered or not, so the model knows
 * what the bank did even when the merchant does not.
 */
final class FaultyBankLink implements BankLink {

    /** Told of every deposit the bank processed and the receipt it gave. */
    interface Observer {
        void processed(DepositRequest request, DepositReceipt receipt);
    }

    private final Issuer issuer;
    private final Faults faults;
    private final Observer observer;
    private final String merchantLabel;
    private final BooleanSupplier offline;

    FaultyBankLink(Issuer issuer, Faults faults, Observer observer, String merchantLabel, BooleanSupplier offline) {
        this.issuer = issuer;
        this.faults = faults;
        this.observer = observer;
        this.merchantLabel = merchantLabel;
        this.offline = offline;
    }

    private Faults.Fault next() {
        return offline.getAsBoolean() ? faults.offline() : faults.next();
    }

    @Override
    public DepositReceipt deposit(DepositRequest request) {
        String what = merchantLabel + " deposit of " + request.payments().size();
        Faults.Fault fault = next();
        return switch (fault) {
            case NONE -> process(request);
            case LOSE_REQUEST, OFFLINE -> throw faults.unreachable(what, fault);
            case LOSE_RESPONSE -> {
                process(request);
                throw faults.unreachable(what, fault);
            }
            case DUPLICATE -> {
                DepositReceipt first = process(request);
                DepositReceipt second = process(request);
                boolean firstWins = faults.firstAnswerWins();
                faults.note(what + " delivered twice, " + (firstWins ? "first" : "second") + " answer kept");
                yield firstWins ? first : second;
            }
        };
    }

    @Override
    public Blacklist blacklist() {
        Faults.Fault fault = next();
        return switch (fault) {
            case NONE, DUPLICATE -> issuer.blacklist();
            case LOSE_REQUEST, LOSE_RESPONSE, OFFLINE -> throw faults.unreachable(merchantLabel + " blacklist fetch", fault);
        };
    }

    private DepositReceipt process(DepositRequest request) {
        DepositReceipt receipt = issuer.deposit(request);
        observer.processed(request, receipt);
        return receipt;
    }
}
