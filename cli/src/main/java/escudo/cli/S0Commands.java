package escudo.cli;

import escudo.s0.device.HttpIssuerLink;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.s0.api.TradeApi;
import escudo.http.PartyClient;
import escudo.s0.device.HardwareSerial;
import escudo.s0.device.Wallet;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.s0.api.DeviceView;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** S0 (seed 000): the bank's desk for devices, and this machine's device wallet talking to the issuer's trade centre. */
final class S0Commands {

    private S0Commands() {}

    @Command(name = "device", description = "S0: device-bound trade, the bank's desk and this machine's wallet.", subcommands = {
            Device.Enrol.class, Device.Revoke.class, Device.List.class,
            Device.Register.class, Device.Balance.class, Device.Transfer.class, Device.Order.class})
    static final class Device extends Group {

        @Command(name = "enrol", description = "The bank's desk gives a one-time enrolment code.")
        static final class Enrol extends BankAction {

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer whose device it will be.")
            String customer;

            @Override
            void run(PartyClient bank) {
                var code = bank.post("/issuer/devices/enrolments", new TradeApi.Enrol(customer), TradeApi.EnrolmentCode.class);
                out().println("enrolment code for " + customer + ": " + code.code() + " (single use, until " + code.expiresAt() + ")");
            }
        }

        @Command(name = "revoke", description = "The bank's desk cuts a device off.")
        static final class Revoke extends BankAction {

            @Option(names = "--id", required = true, paramLabel = "DEVICE_ID", description = "The device's id, as 'device list' shows it.")
            String id;

            @Override
            void run(PartyClient bank) {
                DeviceView view = bank.post("/issuer/devices/" + id + "/revocation", new TradeApi.Revocation(), DeviceView.class);
                out().println("device " + view.deviceId() + " of " + view.customerId() + " is " + view.status() + " since " + view.revokedAt());
            }
        }

        @Command(name = "list", description = "The bank's desk lists a customer's devices.")
        static final class List extends BankAction {

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer.")
            String customer;

            @Override
            void run(PartyClient bank) {
                for (DeviceView d : bank.get("/issuer/customers/" + customer + "/devices", TradeApi.Devices.class).devices()) {
                    out().println("  " + d.deviceId() + " " + d.label() + " (" + d.order() + ") " + d.status()
                            + ", last counters in/out " + d.lastCounterFromDevice() + "/" + d.lastCounterToDevice());
                }
            }
        }

        @Command(name = "register", description = "This machine becomes the customer's device, with the desk's code.")
        static final class Register extends BankAction {

            @Mixin
            WalletOptions wallet;

            @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer.")
            String customer;

            @Option(names = "--code", required = true, paramLabel = "CODE", description = "The one-time code from 'device enrol'.")
            String code;

            @Option(names = "--order", paramLabel = "ORDER", defaultValue = "asymmetric-inside",
                    description = "The layer order: asymmetric-inside or symmetric-inside (default: ${DEFAULT-VALUE}).")
            LayerOrder order;

            @Option(names = "--label", paramLabel = "TEXT", description = "What the desk shows for it (default: the device's name).")
            String label;

            @Override
            void run(PartyClient bank) {
                Path dir = wallet.dir(nodes);
                Wallet device = Files.exists(dir) ? Wallet.open(dir, wallet.serial()) : Wallet.create(dir, wallet.serial());
                device.register(new HttpIssuerLink(bank), customer, code, order, label != null ? label : wallet.device);
                out().println("device " + device.status().deviceId() + " registered for " + customer + " (layer order " + order + ")");
            }
        }

        @Command(name = "balance", description = "The device asks for its accounts' balances.")
        static final class Balance extends Action {

            @Mixin
            WalletOptions wallet;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                show(out(), wallet.send(nodes, new TradeRequest.BalanceInquiry()));
            }
        }

        @Command(name = "transfer", description = "The device moves money between its customer's own accounts.")
        static final class Transfer extends Action {

            @Mixin
            WalletOptions wallet;

            @Option(names = "--from", required = true, paramLabel = "ACCOUNT", description = "current or savings.")
            String from;

            @Option(names = "--to", required = true, paramLabel = "ACCOUNT", description = "savings or current.")
            String to;

            @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "Such as \"20.00 EUR\".")
            Money amount;

            @Option(names = "--id", paramLabel = "ID", description = "The transfer's id (default: a new one); "
                    + "the id of a transfer whose answer never came sends it again, and the bank moves it once.")
            String id;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                String transferId = id != null ? id : UUID.randomUUID().toString();
                show(out(), wallet.send(nodes, new TradeRequest.OwnTransfer(transferId, from, to, amount), "transfer", transferId));
            }
        }

        @Command(name = "order", description = "The device pays a merchant from the current account.")
        static final class Order extends Action {

            @Mixin
            WalletOptions wallet;

            @Option(names = "--payee", required = true, paramLabel = "MERCHANT_ID", description = "The merchant paid.")
            String payee;

            @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "Such as \"9.90 EUR\".")
            Money amount;

            @Option(names = "--details", paramLabel = "TEXT", defaultValue = "", description = "What the order is for.")
            String details;

            @Option(names = "--id", paramLabel = "ID", description = "The order's id (default: a new one); "
                    + "the id of an order whose answer never came sends it again, and the bank pays it once.")
            String id;

            @Mixin
            Options.Nodes nodes;

            @Override
            void run() {
                String orderId = id != null ? id : UUID.randomUUID().toString();
                show(out(), wallet.send(nodes, new TradeRequest.PurchaseOrder(orderId, payee, amount, details), "order", orderId));
            }
        }
    }

    /** The wallet of this machine: its directory and the hardware serial it is bound to. */
    static final class WalletOptions {

        @Option(names = "--device", required = true, paramLabel = "NAME", converter = Converters.FileName.class,
                description = "The device wallet's name (its directory under --devices).")
        String device;

        @Option(names = "--serial", paramLabel = "SERIAL",
                description = "Simulate another machine's hardware serial (default: ESCUDO_DEVICE_SERIAL, or this machine's).")
        String serial;

        Path dir(Options.Nodes nodes) {
            return nodes.devices().resolve(device);
        }

        String serial() {
            return serial != null ? serial : HardwareSerial.read();
        }

        TradeResponse send(Options.Nodes nodes, TradeRequest request) {
            try (PartyClient bank = nodes.bank()) {
                return Wallet.open(dir(nodes), serial()).send(new HttpIssuerLink(bank), request);
            }
        }

        /**
         * {@link #send(Options.Nodes, TradeRequest)} for a trade with an id of its own: when no
         * answer came (the bank may have done it), says how to send the same trade again, which the
         * bank does once and answers again; a new id would do it twice.
         */
        TradeResponse send(Options.Nodes nodes, TradeRequest request, String what, String id) {
            try {
                return send(nodes, request);
            } catch (EscudoException e) {
                if (e.kind() != EscudoException.Kind.INTERNAL) {
                    throw e;
                }
                throw new EscudoException(e.code(), e.getMessage() + "; the bank may have done " + what + " " + id
                        + ": run the same command again with --id " + id + " and it is done once", e);
            }
        }
    }

    /** The trade centre's answer; a refusal becomes the command's refusal (exit 2). */
    private static void show(PrintWriter out, TradeResponse response) {
        switch (response) {
            case TradeResponse.Balances b -> b.accounts().forEach(a -> out.println("  " + a.account() + ": " + a.balance()));
            case TradeResponse.TransferDone t -> {
                out.println("transfer " + t.transferId() + " done");
                t.accounts().forEach(a -> out.println("  " + a.account() + ": " + a.balance()));
            }
            case TradeResponse.OrderPaid o -> out.println("order " + o.orderId() + " paid: " + o.amount() + " to " + o.merchantId()
                    + "; current account " + o.balance());
            case TradeResponse.Refused f -> throw new EscudoException(EscudoException.Kind.REFUSED,
                    ErrorCode.decode(f.code(), EscudoException.Kind.REFUSED), f.message());
        }
    }
}
