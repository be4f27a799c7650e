package escudo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ScopeType;

/**
 * The top command. Its standard help options are inherited, so every command and subcommand
 * answers {@code --help} with the usage picocli makes from its annotations.
 */
@Command(name = "escudo", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Escudo.Version.class,
        sortOptions = false, sortSynopsis = false, separator = " ",
        description = {"Escudo, a secure electronic payment network: run a node, or use one as its desks, holders and merchants do.",
                "Run 'escudo COMMAND --help' for a command's options."},
        footer = {"", "Exit codes: 0 done, 1 failure on our side, 2 refused or bad usage."},
        subcommands = {
                NodeCommands.Serve.class, NodeCommands.ConfigTable.class, NodeCommands.DemoCommand.class,
                BankCommands.Customer.class, BankCommands.Merchant.class,
                S0Commands.Device.class,
                S1Commands.Certificates.class, S1Commands.Phones.class,
                S2Commands.Shoppers.class, S2Commands.PaymentCards.class, S2Commands.Shop.class, S2Commands.Courier.class,
                S2Commands.Blom.class,
                S3Commands.Cards.class, S3Commands.Checkout.class, S3Commands.Pay.class, S3Commands.TopUp.class, S3Commands.Deposit.class,
                S3Commands.BlacklistCommand.class, S3Commands.Payments.class, S3Commands.Balances.class, S3Commands.Alerts.class,
                SessionCommands.Sessions.class})
final class Escudo extends Group {

    /** The project version Maven wrote into {@code version.txt} when it built this jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            try (InputStream in = Escudo.class.getResourceAsStream("version.txt")) {
                return new String[] {"escudo " + new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
