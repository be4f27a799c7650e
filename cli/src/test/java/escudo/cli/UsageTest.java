package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.Money;
import escudo.s0.protocol.LayerOrder;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s3.protocol.CardKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** What a person sees before any node is involved: help, version, and the refusals of bad input. */
class UsageTest {

    private String out;
    private String err;

    private int escudo(String... argv) {
        CliRun run = CliRun.of(argv);
        out = run.out();
        err = run.err();
        return run.exit();
    }

    /** Every command in the tree, found by walking picocli's model: a new command is checked without being listed here. */
    private static List<CommandSpec> everyCommand() {
        List<CommandSpec> all = new ArrayList<>();
        List<CommandSpec> toVisit = new ArrayList<>(List.of(Main.commandLine().getCommandSpec()));
        while (!toVisit.isEmpty()) {
            CommandSpec spec = toVisit.removeFirst();
            all.add(spec);
            spec.subcommands().values().forEach(sub -> toVisit.add(sub.getCommandSpec()));
        }
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyCommandAnswersHelpWithItsOptionsAndSubcommands() {
        List<CommandSpec> commands = everyCommand();
        assertTrue(commands.stream().map(CommandSpec::qualifiedName).toList().containsAll(List.of("escudo", "escudo serve",
                "escudo device transfer", "escudo blom issue", "escudo card show", "escudo alerts")), "the walk reaches every level");
        return commands.stream().map(spec -> DynamicTest.dynamicTest(spec.qualifiedName(), () -> {
            String[] words = spec.qualifiedName().split(" ");
            String[] argv = Stream.concat(Arrays.stream(words).skip(1), Stream.of("--help")).toArray(String[]::new);
            assertEquals(0, escudo(argv), err);
            assertTrue(out.startsWith("Usage: " + spec.qualifiedName() + " "), out);
            assertFalse(String.join("", spec.usageMessage().description()).isBlank(), spec.qualifiedName() + " has no description");
            for (OptionSpec option : spec.options()) {
                assertFalse(String.join("", option.description()).isBlank(), option.longestName() + " has no description");
                assertTrue(out.contains(option.longestName() + (option.arity().max() > 0 ? " " + option.paramLabel() : "")),
                        option.longestName() + " missing from " + out);
            }
            spec.subcommands().keySet().forEach(name -> assertTrue(out.contains("  " + name + " "), name + " missing from " + out));
            assertEquals("", err);
        }));
    }

    @Test
    void theSharedOptionsAreOnEveryCommandThatTalksToANode() {
        for (CommandSpec spec : everyCommand()) {
            if (spec.subcommands().isEmpty() && !Set.of("serve", "config", "demo", "simulator").contains(spec.name())) {
                for (String option : List.of("--config", "--issuer", "--merchant", "--courier", "--cards", "--devices", "--holders", "--token")) {
                    assertTrue(spec.findOption(option) != null, spec.qualifiedName() + " lacks " + option);
                }
            }
        }
    }

    @Test
    void versionIsTheBuildsVersion() {
        assertEquals(0, escudo("--version"));
        assertTrue(out.matches("escudo \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), out);
        assertEquals(0, escudo("card", "issue", "--version"), "inherited by every command");
    }

    @Test
    void aCommandWithoutItsSubcommandNamesThem() {
        assertEquals(2, escudo());
        assertTrue(err.startsWith("refused [cli.usage]: 'escudo' needs a command: serve, config, demo, customer,"), err);
        assertTrue(err.endsWith("run 'escudo --help' for the commands" + System.lineSeparator()), err);
        assertEquals(2, escudo("card"));
        assertEquals(usageError("'escudo card' needs a command: issue, show, simulator, personalise, domain, record, list, sign,"
                + " change-pin, holder, unblock", "run 'escudo card --help' for the commands"), err);
    }

    @Test
    void unknownCommandsAndOptionsAreRefusedInOneLine() {
        assertEquals(2, escudo("teleport"));
        assertEquals(usageError("unknown command 'teleport'", "run 'escudo --help' for the commands"), err);
        assertEquals(2, escudo("shop", "checkout"));
        assertEquals(usageError("unknown command 'checkout'", "run 'escudo shop --help' for the commands"), err);
        assertEquals(2, escudo("card", "show", "--card", "alice", "--colour", "red"));
        assertEquals(usageError("unknown option: --colour", "run 'escudo card show --help' for its options"), err);
        assertEquals(2, escudo("deposit", "now"));
        assertEquals(usageError("unexpected argument 'now'", "run 'escudo deposit --help' for its options"), err);
        assertEquals("", out);
    }

    @Test
    void missingOrMalformedOptionsAreRefusedBeforeAnyNodeIsAsked() {
        assertEquals(2, escudo("customer", "open", "--id", "alice"));
        assertEquals(usageError("Missing required options: '--name NAME', '--deposit AMOUNT'",
                "run 'escudo customer open --help' for its options"), err);
        assertEquals(2, escudo("customer", "show", "--id"));
        assertEquals(usageError("Missing required parameter for option '--id' (ID)", "run 'escudo customer show --help' for its options"), err);
        assertEquals(2, escudo("blom", "issue", "--k", "eight", "--parties", "escudo-bank"));
        assertEquals(usageError("Invalid value for option '--k': 'eight' is not an int", "run 'escudo blom issue --help' for its options"), err);
        assertEquals(2, escudo("card", "issue", "--card", "a", "--customer", "a", "--amount", "5.00 EUR", "--pin", "1", "--kind", "gold"));
        assertTrue(err.startsWith("refused [cli.usage]: Invalid value for option '--kind': 'gold' is not cash, credit or cheque\n"), err);
        assertEquals(2, escudo("shop", "order", "--holder", "alice", "--items", "mug:two", "--card-number", "1", "--expiry", "11/29",
                "--contact", "A", "--destination", "B"));
        assertTrue(err.startsWith("refused [cli.usage]: Invalid value for option '--items': 'mug:two' is not sku:quantity[,sku:quantity]"), err);
    }

    @Test
    void payTakesEitherTheTillsCheckoutOrAnAmountForThisMachinesTill() {
        assertEquals(2, escudo("pay", "--card", "alice", "--pin", "4321"));
        assertTrue(err.startsWith("refused [cli.usage]: Missing required argument (specify one of these): "), err);
        assertTrue(err.contains("--checkout REFERENCE") && err.contains("--amount AMOUNT"), err);
        assertEquals(2, escudo("pay", "--card", "alice", "--pin", "4321", "--checkout", "0123456789abcdef0123456789abcdef",
                "--amount", "1.00 EUR"));
        assertTrue(err.startsWith("refused [cli.usage]: ") && err.contains("mutually exclusive"), err);
        assertEquals(2, escudo("pay", "--card", "alice", "--pin", "4321", "--checkout", "0123456789abcdef0123456789abcdef",
                "--details", "a muffin"));
        assertTrue(err.startsWith("refused [cli.usage]: --details goes with --amount"), err);
    }

    @Test
    void namesThatWouldLeaveTheirDirectoryAreRefused() {
        for (String name : List.of("..", ".", "../alice", "a/b", "", "x".repeat(65))) {
            assertEquals(2, escudo("card", "show", "--card", name), name);
            assertTrue(err.startsWith("refused [cli.usage]: Invalid value for option '--card': '" + name + "' is not a name"), err);
        }
        assertEquals(2, escudo("device", "balance", "--device", "../phone"));
        assertTrue(err.contains("option '--device'"), err);
        assertEquals(2, escudo("shop", "status", "--holder", "a\\b", "--order", "ORD-1"));
        assertTrue(err.contains("option '--holder'"), err);
    }

    @Test
    void moneyIsParsedByMoneyParseAndItsRefusalKeepsItsCode() {
        assertEquals(2, escudo("customer", "open", "--id", "bob", "--name", "Bob", "--deposit", "ten euros"));
        assertEquals(usageError("[money.invalid]: invalid value for option '--deposit': the currency is not an ISO 4217 code",
                "run 'escudo customer open --help' for its options").replace("[cli.usage]: ", ""), err);
        assertEquals(2, escudo("pay", "--card", "alice", "--amount", "3.80", "--pin", "4321"));
        assertTrue(err.startsWith("refused [money.invalid]: invalid value for option '--amount': an amount looks like '12.50 EUR'"), err);
        assertEquals(2, escudo("device", "transfer", "--device", "phone", "--from", "current", "--to", "savings", "--amount", "1.234 EUR"));
        assertTrue(err.startsWith("refused [money.invalid]: invalid value for option '--amount': not an amount in EUR (at most 2 decimals)"), err);
        assertEquals(2, err.lines().count(), "one line and the hint, no stack trace: " + err);

        CommandLine cli = Main.commandLine();
        var parsed = cli.parseArgs("topup", "--card", "alice", "--amount", "20.00 EUR", "--pin", "4321");
        S3Commands.TopUp topUp = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertEquals(Money.parse("20.00 EUR"), topUp.amount);
        assertFalse(topUp.renew);
    }

    @Test
    void choicesAcceptDashesOrUnderscoresInAnyCaseAndDefaultAsToday() {
        CommandLine cli = Main.commandLine();
        S0Commands.Device.Register register = cli.parseArgs("device", "register", "--device", "phone", "--customer", "bob", "--code", "C")
                .subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertEquals(LayerOrder.ASYMMETRIC_INSIDE, register.order);
        register = Main.commandLine().parseArgs("device", "register", "--device", "phone", "--customer", "bob", "--code", "C",
                "--order", "Symmetric_Inside").subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertEquals(LayerOrder.SYMMETRIC_INSIDE, register.order);
        S3Commands.Cards.Issue issue = Main.commandLine().parseArgs("card", "issue", "--card", "a", "--customer", "a", "--amount",
                "5.00 EUR", "--pin", "1").subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertEquals(CardKind.CASH, issue.kind);
        S2Commands.Courier.Advance advance = Main.commandLine().parseArgs("courier", "advance", "--tracking", "TRK-1", "--state", "picked-up")
                .subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertEquals(DeliveryState.PICKED_UP, advance.state);
        assertEquals(2, escudo("courier", "advance", "--tracking", "TRK-1", "--state", "accepted"), "a delivery starts there; nobody moves it back");
    }

    private static String usageError(String message, String hint) {
        return "refused [cli.usage]: " + message + System.lineSeparator() + hint + System.lineSeparator();
    }
}
