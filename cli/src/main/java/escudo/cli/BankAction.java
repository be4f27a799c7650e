package escudo.cli;

import escudo.http.PartyClient;
import picocli.CommandLine.Mixin;

/** An {@link Action} that talks to the bank: the shared node options, and a client to the bank for {@link #run(PartyClient)}. */
abstract class BankAction extends Action {

    @Mixin
    Options.Nodes nodes;

    /** What the command does with the bank; the client is closed afterwards. */
    abstract void run(PartyClient bank);

    @Override
    final void run() {
        try (PartyClient bank = nodes.bank()) {
            run(bank);
        }
    }
}
