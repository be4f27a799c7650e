package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.s4.protocol.CardStatus;
import escudo.s4.session.SessionException;
import escudo.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 004, claims 41-42 and 46 across OS processes over HTTP: {@code escudo serve} (the bank as
 * provider) in one child JVM; three flatmates, each with a software card personalised and
 * registered from the command line, pay one electricity bill in one combined transaction, Alice as
 * the first member ({@code session pay}), Bob and Carol as participants ({@code session participate})
 * and Dave, who is away, only routing ({@code session route}): each member and hop a JVM of its own.
 */
class S4SessionAcrossProcessesTest {

    private static final String PIN = "2468";
    private static final Pattern AT = Pattern.compile("(?:participant|router) at (http://\\S+)");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final List<ChildJvm> children = new ArrayList<>();
    private ServedNode node;

    @AfterEach
    void stop() {
        children.reversed().forEach(ChildJvm::close);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void threeFlatmatesPayOneBillThroughTwoParticipantsAndARouterEachInItsOwnProcess() throws Exception {
        node = ServedNode.start(dir, READY_TIMEOUT);
        children.add(node.process());
        try (PartyClient desk = new PartyClient(node.bank(), node.token())) {
            desk.post("/issuer/merchants", new BankApi.OpenMerchant("power-co", "Power Co", "EUR", SigningKey.generate().verifyingKey()),
                    BankApi.Balance.class);
            for (String flatmate : List.of("alice", "bob", "carol")) {
                desk.post("/issuer/customers", new BankApi.OpenCustomer(flatmate, flatmate, Money.parse("100.00 EUR")), BankApi.Balance.class);
                card(flatmate);
            }
            String bank = node.bank().resolve("/issuer/s4/messages").toString();
            String carol = hop(member("participate", "carol", "--children", "1", "--next", bank));
            String dave = hop(concat(new String[] {"session", "route", "--next", carol}, "--issuer", node.bank().toString()));
            String bob = hop(member("participate", "bob", "--children", "1", "--next", dave));
            ChildJvm hopsStarted = children.getLast();
            ChildRun alice = ran(child(member("pay", "alice", "--next", bob)));
            alice.expect(0, "Alice pays her share").find("key exchange: transaction s4tx-[0-9a-f]+, known to the bank as alice, a key of its own, 2 other members");
            alice.find("transaction: paid 30\\.00 EUR \\(receipt s4:s4tx-[0-9a-f]+\\)");
            for (ChildJvm hop : children.subList(1, children.size() - 1)) {
                assertEquals(0, hop.awaitExit(Duration.ofSeconds(30)), "each hop ends with its one session:\n" + hop.output());
            }
            assertTrue(hopsStarted.output().contains("transaction: paid 30.00 EUR"), hopsStarted.output());
            assertEquals(Money.parse("90.00 EUR"), desk.get("/issuer/merchants/power-co", BankApi.Balance.class).balance());
            for (String flatmate : List.of("alice", "bob", "carol")) {
                assertEquals(Money.parse("70.00 EUR"), desk.get("/issuer/customers/" + flatmate, BankApi.Balance.class).balance(), flatmate);
            }

            // alone now, straight to the bank: a wrong PIN, then another key than the desk gave, and nothing moves
            ran(child(member("pay", "alice"))).expect(0, "alone to the bank");
            ran(child(member("pay", "alice").stream().map(w -> w.equals(PIN) ? "1111" : w).toList())).refused(CardStatus.WRONG_PIN.code(), "a wrong PIN signs nothing");
            List<String> pinned = new ArrayList<>(member("pay", "alice"));
            pinned.addAll(List.of("--provider-key", SigningKey.generate().verifyingKey().hex()));
            ran(child(pinned)).refused(SessionException.PROVIDER_NOT_AUTHENTIC, "another bank key is refused");
            assertEquals(Money.parse("40.00 EUR"), desk.get("/issuer/customers/alice", BankApi.Balance.class).balance());

            // the bank's request log: one JSON line per request, with the route's pattern and nothing a request carried
            List<String> lines = node.process().output().lines().filter(l -> l.startsWith("{\"time\"")).toList();
            assertTrue(lines.stream().filter(l -> l.contains("\"route\":\"/issuer/s4/messages\"") && l.contains("\"status\":200")).count() >= 6,
                    "a line for each message: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("\"route\":\"/issuer/customers/{id}\"")), "the pattern, not the path");
            for (String secret : List.of(node.token(), "electricity", "/issuer/customers/alice")) {
                assertTrue(lines.stream().noneMatch(l -> l.contains(secret)), "no line holds " + secret);
            }
        }
    }

    /** A software card with the bank's debit record naming {@code customer}'s account, its key registered at the bank. */
    private void card(String customer) {
        String cards = dir.resolve("cards").toString();
        String issuerKey = dir.resolve("issuer.key").toString();
        String debitKey = dir.resolve("debit.key").toString();
        cli("card", "personalise", "--card", customer, "--issuer-id", "card-issuer", "--issuer-key", issuerKey, "--holder", customer,
                "--pin", PIN, "--cards", cards);
        cli("card", "domain", "--card", customer, "--issuer-id", "card-issuer", "--issuer-key", issuerKey, "--provider", "debit",
                "--provider-key", debitKey, "--cards", cards);
        cli("card", "record", "--card", customer, "--provider", "debit", "--provider-key", debitKey, "--record", "1", "--name",
                "current account", "--instrument", "debit", "--account", customer, "--cards", cards);
        cli("session", "register", "--card", customer, "--customer", customer, "--cards", cards, "--issuer", node.bank().toString(),
                "--token", node.token());
    }

    private static void cli(String... argv) {
        CliRun run = CliRun.of(argv);
        assertEquals(0, run.exit(), String.join(" ", argv) + ":\n" + run.out() + run.err());
    }

    /** A member's command line: its card and PIN, its share of the bill, the bank it asks for the provider's keys. */
    private List<String> member(String command, String flatmate, String... more) {
        List<String> argv = new ArrayList<>(List.of("session", command, "--card", flatmate, "--pin", PIN, "--amount", "30.00 EUR",
                "--payee", "power-co", "--reference", "electricity 2026-11", "--cards", dir.resolve("cards").toString(),
                "--issuer", node.bank().toString()));
        argv.addAll(List.of(more));
        return argv;
    }

    private String hop(List<String> argv) throws IOException {
        return hop(argv.toArray(new String[0]));
    }

    /** Starts a hop in a JVM of its own and returns where it listens. */
    private String hop(String... argv) throws IOException {
        AtomicReference<String> at = new AtomicReference<>();
        ChildJvm hop = ChildJvm.start(Main.class.getName(), List.of(argv), dir, Map.of(), line -> {
            Matcher matcher = AT.matcher(line);
            if (matcher.find()) {
                at.set(matcher.group(1));
                return true;
            }
            return false;
        }, line -> false);
        children.add(hop);
        hop.awaitReady(READY_TIMEOUT, "the hop listening");
        return at.get();
    }

    private ChildJvm child(List<String> argv) throws IOException {
        return child(argv.toArray(new String[0]));
    }

    private ChildJvm child(String... argv) throws IOException {
        ChildJvm child = ChildJvm.start(Main.class.getName(), List.of(argv), dir, Map.of(), line -> false, line -> false);
        children.add(child);
        return child;
    }

    private static ChildRun ran(ChildJvm child) {
        return ChildRun.of(child, Duration.ofSeconds(60));
    }

    private static String[] concat(String[] words, String... more) {
        return Stream.concat(Stream.of(words), Stream.of(more)).toArray(String[]::new);
    }
}
