package escudo.cli;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.Digest;
import escudo.http.PartyClient;
import escudo.s4.protocol.P256;
import escudo.s4.session.SessionOptions;
import escudo.s4.session.Order;
import escudo.s4.session.Outcome;
import escudo.s4.session.Phase;
import escudo.s4.session.ProviderKeys;
import escudo.s4.session.SessionApi;
import escudo.s4.session.SessionException;
import escudo.s4.terminal.CardSigner;
import escudo.s4.terminal.Hop;
import escudo.s4.terminal.Member;
import escudo.s4.terminal.MemberTerminal;
import java.io.PrintWriter;
import java.net.URI;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * S4, part 2 (seed 004, claims 13-53): a card holder's sessions with the bank as the service
 * provider, alone or with other members before it on a path: participants that combine and sign,
 * routers that pass messages on. Each member and each hop is a process of its own on its machine,
 * reached over HTTP (docs/s4-session.md).
 */
final class SessionCommands {

    private SessionCommands() {}

    @Command(name = "session", description = "S4: sessions of card members with the bank as service provider, alone or combined in series and in a hierarchy.",
            subcommands = {Register.class, Pay.class, Participate.class, Route.class})
    static final class Sessions extends Group {
    }

    @Command(name = "register", description = "The bank's desk registers the key of the debit record on a customer's card as that customer's member key.")
    static final class Register extends S4Commands.CardAction {

        @Mixin
        S4Commands.Slot slot;

        @Mixin
        Record record;

        @Option(names = "--customer", required = true, paramLabel = "ID", description = "The customer whose account the record names.")
        String customer;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out()); PartyClient bank = slot.nodes.bank()) {
                byte[] point = P256.encode(terminal.read(record.domain, record.record).publicKey());
                bank.post("/issuer/s4/members", new SessionApi.Register(customer, Bytes.of(point)), SessionApi.Registered.class);
                out().println("card key " + fingerprint(point) + " (record " + record.record + " of " + record.domain + ") is " + customer
                        + "'s member key at the bank");
            }
        }
    }

    @Command(name = "pay", description = {"As the first member of a path: the key exchange, the transaction and the acknowledgement,"
            + " each sent to --next (the next member or router, or the bank) and checked against the bank's signed reply."})
    static final class Pay extends S4Commands.CardAction {

        @Mixin
        Membership membership;

        @Option(names = "--next", paramLabel = "URL", description = "Where this member sends its messages (default: the bank's S4 messages).")
        URI next;

        @Override
        void act() {
            try (MemberTerminal terminal = membership.slot.insert(out())) {
                Member member = membership.member(terminal);
                URI to = next != null ? next : membership.slot.nodes.bankUri().resolve("/issuer/s4/messages");
                member.send(Phase.KEY_EXCHANGE, to);
                out().println("key exchange: transaction " + member.session().transactionId() + ", known to the bank as "
                        + member.session().knownAs() + ", "
                        + (membership.sharedKey ? "one key for the session" : "a key of its own") + ", "
                        + member.session().others().size() + " other members");
                member.send(Phase.TRANSACTION, to);
                Outcome outcome = member.outcome();
                member.send(Phase.ACKNOWLEDGEMENT, to);
                report(out(), outcome);
                out().println("acknowledged: the session ended");
                if (outcome.refused()) {
                    exitWith(2);
                }
            }
        }
    }

    @Command(name = "participate", description = {"A participant on a path: waits for the messages of --children members before it,"
            + " adds this member's part and signs the combination, sends it to --next and passes each member's reply back."})
    static final class Participate extends S4Commands.CardAction {

        @Mixin
        Membership membership;

        @Mixin
        Serving serving;

        @Option(names = "--children", paramLabel = "N", defaultValue = "1",
                description = "How many members' messages it combines: 1 in series, more in a hierarchy (default: ${DEFAULT-VALUE}).")
        int children;

        @Override
        void act() {
            try (MemberTerminal terminal = membership.slot.insert(out())) {
                Member member = membership.member(terminal);
                try (Hop hop = Hop.participant(member, children, serving.next(membership.slot.nodes), serving.port)) {
                    serving.serve(out(), "participant", hop);
                }
                report(out(), member.outcome());
            }
        }
    }

    @Command(name = "route", description = "A router on a path: passes each message on to --next as it came and the reply back; it reads nothing.")
    static final class Route extends Action {

        @Mixin
        Serving serving;

        @Mixin
        Options.Nodes nodes;

        @Override
        void run() {
            try (Hop hop = Hop.router(serving.next(nodes), serving.port)) {
                serving.serve(out(), "router", hop);
            }
        }
    }

    /** Which record of the card signs for the member. */
    static final class Record {

        @Option(names = "--domain", paramLabel = "ID", defaultValue = "debit",
                description = "The bank's domain on the card (default: ${DEFAULT-VALUE}).")
        String domain;

        @Option(names = "--record", paramLabel = "N", defaultValue = "1", description = "Its signing record (default: ${DEFAULT-VALUE}).")
        int record;
    }

    /** A member: its card, PIN and record, its order and how it asks for keys. */
    static final class Membership {

        @Mixin
        S4Commands.Slot slot;

        @Mixin
        Record record;

        @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The holder's PIN, for the record's key.")
        String pin;

        @Option(names = "--amount", required = true, paramLabel = "AMOUNT", description = "What this member pays, such as \"30.00 EUR\"; 0 approves.")
        Money amount;

        @Option(names = "--payee", required = true, paramLabel = "MERCHANT", description = "The bank's merchant that is paid.")
        String payee;

        @Option(names = "--reference", paramLabel = "TEXT", defaultValue = "", description = "What the bank alone reads with the order.")
        String reference;

        @Option(names = "--note", paramLabel = "TEXT", defaultValue = "",
                description = "What the bank alone reads in the key exchange, such as an invoice number (at most 200 characters).")
        String note;

        @Option(names = "--shared-key", description = "Ask for one session key for every member of the session (each reads all parts).")
        boolean sharedKey;

        @Option(names = "--hybrid", description = "Seal the session secret under X25519 and ML-KEM-768 both.")
        boolean hybrid;

        @Option(names = "--seal-keys", description = "Send the card's public keys inside the first cryptogram, not in plain.")
        boolean sealKeys;

        @Option(names = "--provider-key", paramLabel = "HEX",
                description = "The bank's Ed25519 key as its desk gave it; the bank's answer must carry exactly this key.")
        String providerKey;

        Member member(MemberTerminal terminal) {
            terminal.verifyPin(pin);
            CardSigner card = new CardSigner(terminal, record.domain, record.record);
            ProviderKeys keys;
            try (PartyClient bank = slot.nodes.bank()) {
                keys = bank.get("/issuer/s4/provider", SessionApi.ProviderInfo.class).keys();
            }
            if (providerKey != null && !keys.signing().hex().equalsIgnoreCase(providerKey)) {
                throw new SessionException(SessionException.PROVIDER_NOT_AUTHENTIC, "the bank's node shows another key than --provider-key");
            }
            Member member = new Member(keys, card, new SessionOptions(sharedKey, hybrid, sealKeys));
            member.order(new Order(card.account(), amount, payee, reference));
            member.note(note);
            return member;
        }
    }

    /** A hop's listening side. */
    static final class Serving {

        @Option(names = "--next", paramLabel = "URL", description = "Where the hop sends what it combines or passes on (default: the bank's S4 messages).")
        URI next;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "Its port on 127.0.0.1 (default: any free one).")
        int port;

        @Option(names = "--sessions", paramLabel = "N", defaultValue = "1", description = "Stop once this many sessions ended through it (default: ${DEFAULT-VALUE}).")
        int sessions;

        URI next(Options.Nodes nodes) {
            return next != null ? next : nodes.bankUri().resolve("/issuer/s4/messages");
        }

        void serve(PrintWriter out, String what, Hop hop) {
            out.println(what + " at " + hop.uri());
            out.flush();
            try {
                hop.awaitEnded(sessions);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void report(PrintWriter out, Outcome outcome) {
        if (outcome == null) {
            out.println("transaction: none");
        } else if (outcome.refused()) {
            out.println("transaction refused [" + outcome.refusal() + "]: nobody on the path paid");
        } else if (outcome.status().equals(Outcome.APPROVED)) {
            out.println("transaction: approved");
        } else {
            out.println("transaction: paid " + outcome.amount() + " (receipt " + outcome.receipt() + ")");
        }
    }

    private static String fingerprint(byte[] point) {
        return HexFormat.of().formatHex(Digest.sha256(point), 0, 8);
    }
}
