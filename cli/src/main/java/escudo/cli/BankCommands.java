package escudo.cli;

import escudo.core.Money;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.http.PartyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The bank's desk: customers' accounts and merchants' deposit accounts. */
final class BankCommands {

    private BankCommands() {}

    @Command(name = "customer", description = "The bank's desk: a customer's account.", subcommands = {Customer.Open.class, Customer.Show.class})
    static final class Customer extends Group {

        @Command(name = "open", description = "Open a customer's account with a first deposit.")
        static final class Open extends BankAction {

            @Option(names = "--id", required = true, paramLabel = "ID", description = "The customer's id.")
            String id;

            @Option(names = "--name", required = true, paramLabel = "NAME", description = "The customer's name.")
            String name;

            @Option(names = "--deposit", required = true, paramLabel = "AMOUNT", description = "The first deposit, such as \"200.00 EUR\".")
            Money deposit;

            @Override
            void run(PartyClient bank) {
                var balance = bank.post("/issuer/customers", new BankApi.OpenCustomer(id, name, deposit), BankApi.Balance.class);
                out().println("customer " + id + " opened; balance " + balance.balance());
            }
        }

        @Command(name = "show", description = "A customer's balance.")
        static final class Show extends BankAction {

            @Option(names = "--id", required = true, paramLabel = "ID", description = "The customer's id.")
            String id;

            @Override
            void run(PartyClient bank) {
                out().println("customer " + id + ": " + bank.get("/issuer/customers/" + id, BankApi.Balance.class).balance());
            }
        }
    }

    @Command(name = "merchant", description = "The bank's desk: a merchant's deposit account.", subcommands = Merchant.Register.class)
    static final class Merchant extends Group {

        @Command(name = "register", description = "Open the merchant node's deposit account at the bank (its S_id and key).")
        static final class Register extends Action {

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                try (PartyClient bank = nodes.bank(); PartyClient merchant = nodes.merchant()) {
                    MerchantApi.MerchantInfo info = merchant.get("/merchant", MerchantApi.MerchantInfo.class);
                    bank.post("/issuer/merchants", new BankApi.OpenMerchant(info.merchantId(), info.merchantId(), info.currency(),
                            info.publicKey()), BankApi.Balance.class);
                    out().println("merchant " + info.merchantId() + " has a deposit account in " + info.currency() + "; key "
                            + info.publicKey().hex());
                }
            }
        }
    }
}
