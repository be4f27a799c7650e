package escudo.cli;

import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.bank.client.BankApi;
import escudo.s3.api.MerchantApi;
import escudo.http.PartyClient;
import escudo.s3.card.Card;
import escudo.s3.card.CardStatus;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.server.merchant.Merchant;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.DepositSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** S3 (seed 003): the holder's card, the merchant's till and the bank's ledger and alerts. */
final class S3Commands {

    private S3Commands() {}

    @Command(name = "card", description = {"The holder's card: S3's cash application on a card kept in --cards, and S4's"
            + " multi-application card OS on that card or on the Java Card applet in 'escudo card simulator'."},
            subcommands = {Cards.Issue.class, Cards.Show.class, S4Commands.Simulator.class, S4Commands.Personalise.class,
                    S4Commands.Domain.class, S4Commands.NewRecord.class, S4Commands.ListRecords.class, S4Commands.Sign.class,
                    S4Commands.ChangePin.class, S4Commands.Holder.class, S4Commands.Unblock.class})
    static final class Cards extends Group {

        @Command(name = "issue", description = "S3: the bank issues a card to a customer and loads it from the customer's account.")
        static final class Issue extends BankAction {

            @Mixin
            CardName card;

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer.")
            String customer;

            @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "What the card is loaded with, such as \"50.00 EUR\".")
            Money amount;

            @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The card's PIN.")
            String pin;

            @Option(names = "--kind", paramLabel = "KIND", defaultValue = "cash", description = "cash, credit or cheque (default: ${DEFAULT-VALUE}).")
            CardKind kind;

            @Override
            void run(PartyClient bank) {
                Path dir = card.dir(nodes);
                Card issued = CardHolder.issueCard(bank, dir, customer, kind, amount, pin);
                out().println("card " + issued.certificate().cardNumber() + " issued to " + customer + " and kept in " + dir);
                show(out(), issued.status());
            }
        }

        @Command(name = "show", description = "S3: what the card's cash application holds.")
        static final class Show extends Action {

            @Mixin
            CardName card;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                show(out(), card.open(nodes).status());
            }
        }
    }

    @Command(name = "checkout", description = {"The merchant's till presents a payment specification (seed 003, step 440).",
            "Needs the merchant's operator token; the holder pays it with 'escudo pay --checkout REFERENCE'."})
    static final class Checkout extends Action {

        @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "Such as \"3.80 EUR\".")
        Money amount;

        @Option(names = "--details", paramLabel = "TEXT", defaultValue = "", description = "What the payment is for.")
        String details;

        @Mixin
        Options.Nodes nodes;

        @Override
        void run() {
            try (PartyClient till = nodes.merchant()) {
                PaymentSpec spec = CardHolder.presentCheckout(till, amount, details);
                out().println("checkout " + spec.reference() + ": " + spec.amount() + (spec.details().isEmpty() ? "" : " for " + spec.details())
                        + " at " + spec.merchantId() + ", payable until " + spec.time().plus(Merchant.CHECKOUT_LIFETIME));
            }
        }
    }

    @Command(name = "pay", description = {"The card pays the merchant: offline, or online above the merchant's limit.",
            "--checkout pays what the merchant's till presented and needs no token; --amount has this machine's till"
                    + " present it first, with the merchant's operator token."})
    static final class Pay extends Action {

        @Mixin
        CardName card;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Charge charge;

        /** What is paid: a checkout the till presented, or an amount this machine's till presents. */
        static final class Charge {

            @Option(names = "--checkout", required = true, paramLabel = "REFERENCE",
                    description = "The checkout the merchant's till presented ('escudo checkout' prints it).")
            String checkout;

            @Option(names = "--amount", required = true, paramLabel = "AMOUNT",
                    description = "Such as \"3.80 EUR\": this machine's till presents it first.")
            Money amount;
        }

        @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The card's PIN.")
        String pin;

        @Option(names = "--details", paramLabel = "TEXT", defaultValue = "", description = "What the payment is for (with --amount).")
        String details;

        @Mixin
        Options.Nodes nodes;

        @Override
        void run() {
            if (charge.checkout != null && !details.isEmpty()) {
                throw new EscudoException(Main.USAGE, "--details goes with --amount: a checkout's details are the till's");
            }
            Card paying = card.open(nodes);
            try (PartyClient merchant = nodes.merchantAsCustomer()) {
                AcceptedPayment paid;
                if (charge.checkout != null) {
                    paid = CardHolder.pay(merchant, paying, charge.checkout, pin);
                } else {
                    try (PartyClient till = nodes.merchant()) {
                        paid = CardHolder.pay(till, merchant, paying, charge.amount, details, pin);
                    }
                }
                out().println("paid " + paid.amount() + " (ser# " + paid.serial() + "): "
                        + (paid.collected() ? "accepted offline" : "cleared online: " + paid.status()));
                show(out(), paying.status());
            }
        }
    }

    @Command(name = "topup", description = {"The bank loads the card from the customer's account.",
            "If the card still waits for the answer to an earlier top-up, that one is sent again instead and arrives once."})
    static final class TopUp extends BankAction {

        @Mixin
        CardName card;

        @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "Such as \"20.00 EUR\".")
        Money amount;

        @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The card's PIN.")
        String pin;

        @Option(names = "--renew", description = "Renew the card's CARD-CERT too.")
        boolean renew;

        @Override
        void run(PartyClient bank) {
            Card loading = card.open(nodes);
            Optional<WithdrawalAck> earlier = CardHolder.completePending(bank, loading);
            if (earlier.isPresent()) {
                out().println("the top-up of " + earlier.get().amount() + " asked earlier has arrived (its answer had been lost);"
                        + " nothing new was asked: run topup again for more");
                show(out(), loading.status());
                return;
            }
            WithdrawalAck ack = CardHolder.topUp(bank, loading, amount, renew, pin);
            out().println("topped up " + ack.amount() + (ack.renewed().isPresent() ? ", CARD-CERT renewed" : ""));
            show(out(), loading.status());
        }
    }

    @Command(name = "deposit", description = "The merchant deposits its collected payments at the bank.")
    static final class Deposit extends Action {

        @Mixin
        Options.Nodes nodes;

        @Override
        void run() {
            try (PartyClient merchant = nodes.merchant()) {
                // Each call sends a bounded number of batches; ask again while it made progress and payments remain.
                for (DepositSummary summary; ; ) {
                    summary = merchant.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
                    out().println("deposited " + summary.sent() + " payment(s)"
                            + (summary.receipts().size() > 1 ? " in " + summary.receipts().size() + " batches" : "")
                            + (summary.remaining() > 0 ? ", " + summary.remaining() + " still collected" : ""));
                    summary.statuses().forEach(s -> out().println("  card " + s.cardNumber() + " ser# " + s.serial() + ": " + s.outcome()
                            + (s.code().isEmpty() ? " " + s.credited() : " [" + s.code() + "] " + s.detail())));
                    if (summary.remaining() == 0 || summary.sent() == 0) {
                        break;
                    }
                }
            }
        }
    }

    @Command(name = "blacklist", description = "The merchant fetches the bank's blacklist.")
    static final class BlacklistCommand extends Action {

        @Mixin
        Options.Nodes nodes;

        @Override
        void run() {
            try (PartyClient merchant = nodes.merchant()) {
                Blacklist list = merchant.post("/merchant/blacklist", new MerchantApi.Command(), Blacklist.class);
                out().println("blacklist of " + list.issuedAt() + ": "
                        + (list.cardNumbers().isEmpty() ? "empty" : String.join(", ", list.cardNumbers())));
            }
        }
    }

    @Command(name = "payments", description = "The merchant's payments and their state.")
    static final class Payments extends Action {

        @Mixin
        Options.Nodes nodes;

        @Override
        void run() {
            try (PartyClient merchant = nodes.merchant()) {
                for (AcceptedPayment p : merchant.get("/merchant/payments", MerchantApi.Payments.class).payments()) {
                    out().println("  card " + p.cardNumber() + " ser# " + p.serial() + " " + p.amount() + ": " + (p.collected() ? "COLLECTED"
                            : p.status() + (p.code() == null || p.code().isEmpty() ? "" : " [" + p.code() + "]")));
                }
            }
        }
    }

    @Command(name = "balances", description = "The bank's ledger: every account, and the totals per currency.")
    static final class Balances extends BankAction {

        @Override
        void run(PartyClient bank) {
            BankApi.LedgerView ledger = bank.get("/issuer/ledger", BankApi.LedgerView.class);
            ledger.accounts().stream().sorted(Comparator.comparing(BankApi.AccountView::id))
                    .forEach(a -> out().printf("  %-28s %14s%n", a.id(), a.balance()));
            out().println("  totals per currency (0 in double entry): " + ledger.totals());
        }
    }

    @Command(name = "alerts", description = "The bank's security alerts.")
    static final class Alerts extends BankAction {

        @Override
        void run(PartyClient bank) {
            bank.get("/issuer/alerts", escudo.s3.api.Alerts.class).alerts()
                    .forEach(a -> out().println("  " + a.createdAt() + " card " + a.cardNumber() + " [" + a.kind() + "] " + a.detail()));
        }
    }

    /** {@code --card NAME}: the card kept in {@code --cards/NAME}. */
    static final class CardName {

        @Option(names = "--card", required = true, paramLabel = "NAME", converter = Converters.FileName.class,
                description = "The card's name (its directory under --cards).")
        String name;

        Path dir(Options.Nodes nodes) {
            return nodes.cards().resolve(name);
        }

        Card open(Options.Nodes nodes) {
            return Card.open(dir(nodes));
        }
    }

    private static void show(PrintWriter out, CardStatus s) {
        out.println("  card " + s.cardNumber() + " (" + s.kind() + "): "
                + (s.kind() == CardKind.CHEQUE ? s.balance() + " cheque(s) left" : new Money(s.balance(), Money.currency(s.currency())))
                + ", next ser# " + s.nextSerial() + ", PIN tries left " + s.pinTriesLeft() + (s.locked() ? ", LOCKED" : "")
                + ", valid until " + s.validUntil());
    }
}
