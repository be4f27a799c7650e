package escudo.cli;

import escudo.cardos.CardOs;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.crypto.Digest;
import escudo.crypto.PrivateFiles;
import escudo.s4.applet.SimulatedCard;
import escudo.s4.applet.SocketReader;
import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.SecureChannel;
import escudo.s4.terminal.CardTrace;
import escudo.s4.terminal.MemberTerminal;
import escudo.s4.terminal.MemberTerminal.RecordView;
import escudo.s4.terminal.ReaderConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * S4 (seed 004, claims 1-12): the holder's multi-application card, either the software secure
 * element kept in {@code --cards} (beside S3's cash application when the card has one) or the
 * Java Card applet that {@code escudo card simulator} keeps in jCardSim, reached with
 * {@code --reader}. Each command is one insertion of the card: its PIN verification and any
 * provider's session end when the command does.
 */
final class S4Commands {

    /** A key file that is not 32 hex digits (an AES-128 key). */
    static final ErrorCode BAD_KEY_FILE = ErrorCode.declare("cli.bad-key-file", Kind.INVALID);

    private S4Commands() {}

    @Command(name = "simulator", description = {"S4: the Java Card applet in jCardSim, personalised by the issuer, in a reader"
            + " that 'escudo card ... --reader 127.0.0.1:PORT' reaches from this machine.",
            "The card lives in this process only: stop it and the card is gone."})
    static final class Simulator extends CardAction {

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "The reader's port on 127.0.0.1 (default: any free one).")
        int port;

        @Mixin
        Personalisation personalisation;

        @Override
        void act() {
            KeyFile issuerKey = KeyFile.readOrFresh(personalisation.issuerKey);
            SimulatedCard card = SimulatedCard.issue(personalisation.issuerId, issuerKey.key(), personalisation.holder, personalisation.pin);
            issuerKey.keep(out());
            String serial;
            try (MemberTerminal terminal = new MemberTerminal(card)) {
                serial = terminal.select().serial();
            }
            CountDownLatch stopped = new CountDownLatch(1);
            try (SocketReader reader = SocketReader.open(card, port, line -> say(line))) {
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                say("card " + serial + " (the Java Card applet in jCardSim) in a reader on 127.0.0.1:" + reader.port());
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized void say(String line) {
            out().println(line);
            out().flush();
        }
    }

    @Command(name = "personalise", description = {"S4: the issuer puts the card OS on a software card in --cards: a new card,"
            + " or the S3 card of that name, beside its cash application.", "An S3 card keeps its PIN, which --pin must then be."})
    static final class Personalise extends CardAction {

        @Option(names = "--card", required = true, paramLabel = "NAME", converter = Converters.FileName.class,
                description = "The card's name (its directory under --cards).")
        String name;

        @Mixin
        Personalisation personalisation;

        @Mixin
        Options.Nodes nodes;

        @Override
        void act() {
            Path dir = nodes.cards().resolve(name);
            KeyFile issuerKey = KeyFile.readOrFresh(personalisation.issuerKey);
            byte[] key = issuerKey.key();
            SoftwareCard card = Files.exists(dir.resolve(CardOs.STATE_FILE))
                    ? SoftwareCard.install(CardOs.open(dir), personalisation.issuerId, key, personalisation.holder, personalisation.pin)
                    : SoftwareCard.issue(dir, personalisation.issuerId, key, personalisation.holder, personalisation.pin);
            issuerKey.keep(out());
            try (MemberTerminal terminal = new MemberTerminal(card)) {
                out().println("card " + terminal.select().serial() + " carries the S4 card OS, issued by " + personalisation.issuerId
                        + " to " + personalisation.holder + ", in " + dir);
            }
        }
    }

    @Command(name = "domain", description = "S4: the issuer, authenticated with its key, loads a provider's domain with the provider's own key.")
    static final class Domain extends CardAction {

        @Mixin
        Slot slot;

        @Mixin
        Issuer issuer;

        @Mixin
        Provider provider;

        @Override
        void act() {
            byte[] issuerKey = KeyFile.read(issuer.key).key();
            KeyFile providerKey = KeyFile.readOrFresh(provider.key);
            try (MemberTerminal terminal = slot.insert(out())) {
                terminal.authenticate(issuer.id, issuerKey).createDomain(provider.id, providerKey.key());
                providerKey.keep(out());
                out().println("the card holds " + provider.id + "'s domain, under its own key");
            }
        }
    }

    @Command(name = "record", description = {"S4: a provider, authenticated with its key, creates a record in its own domain.",
            "The card makes the record's key pair; the private key never leaves it. Prints the public key (PEM)."})
    static final class NewRecord extends CardAction {

        @Mixin
        Slot slot;

        @Mixin
        Provider provider;

        @Option(names = "--record", required = true, paramLabel = "N", description = "The record's number in the domain, 1 to 255.")
        int record;

        @Option(names = "--name", required = true, paramLabel = "TEXT", description = "What the holder sees, such as \"current account\".")
        String name;

        @Option(names = "--instrument", required = true, paramLabel = "KIND",
                description = "debit, credit, stored-value, loyalty, ticket or identity.")
        Instrument instrument;

        @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "signing",
                description = "signing (ECDSA) or agreement (ECDH), on P-256 (default: ${DEFAULT-VALUE}).")
        KeyType keyType;

        @Option(names = "--account", paramLabel = "TEXT", defaultValue = "", description = "The account information the record carries.")
        String account;

        @Option(names = "--read", paramLabel = "WHO", defaultValue = "always",
                description = "Who may read it: always, pin, provider or never (default: ${DEFAULT-VALUE}).")
        Condition read;

        @Option(names = "--use", paramLabel = "WHO", defaultValue = "pin",
                description = "Who may use its key (default: ${DEFAULT-VALUE}).")
        Condition use;

        @Option(names = "--update", paramLabel = "WHO", defaultValue = "provider",
                description = "Who may update its account information (default: ${DEFAULT-VALUE}).")
        Condition update;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out())) {
                var publicKey = terminal.authenticate(provider.id, KeyFile.read(provider.key).key()).createRecord(record, keyType, instrument,
                        new Access(read, use, update), name, account.getBytes(StandardCharsets.UTF_8));
                out().println("record " + record + " (" + name + ") in " + provider.id + "'s domain; its public key:");
                out().print(Artefacts.pem(publicKey.getEncoded()));
            }
        }
    }

    @Command(name = "list", description = "S4: the card's providers and the records a person may see (with --pin, those that need the PIN too).")
    static final class ListRecords extends CardAction {

        @Mixin
        Slot slot;

        @Option(names = "--pin", paramLabel = "PIN", description = "The holder's PIN, to see the records only the holder may read.")
        String pin;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out())) {
                MemberTerminal.CardInfo card = terminal.select();
                if (pin != null) {
                    terminal.verifyPin(pin);
                }
                out().println("card " + card.serial() + (pin != null ? ", holder " + terminal.holder() : ""));
                for (String domain : terminal.domains()) {
                    out().println("  provider " + domain);
                    for (MemberTerminal.RecordName listed : terminal.records(domain)) {
                        show(terminal.read(domain, listed.id()));
                    }
                }
            }
        }

        private void show(RecordView r) {
            out().println("    record " + r.id() + ": " + r.name() + " (" + word(r.instrument()) + ", " + word(r.keyType()) + " key)"
                    + (r.account().length > 0 ? ", account " + new String(r.account(), StandardCharsets.UTF_8) : "")
                    + "; read " + word(r.access().read()) + ", use " + word(r.access().use()) + ", update " + word(r.access().update()));
        }
    }

    @Command(name = "sign", description = {"S4: the card's crypto service: a record's key signs a message (ECDSA P-256 over its SHA-256),"
            + " as its use condition allows.", "Prints the signature (DER, base64); 'openssl dgst -sha256 -verify' checks it."})
    static final class Sign extends CardAction {

        @Mixin
        Slot slot;

        @Option(names = "--provider", required = true, paramLabel = "ID", description = "The record's provider.")
        String provider;

        @Option(names = "--record", required = true, paramLabel = "N", description = "The record.")
        int record;

        @Option(names = "--message", required = true, paramLabel = "TEXT", description = "What is signed.")
        String message;

        @Option(names = "--pin", paramLabel = "PIN", description = "The holder's PIN, when the record's use needs it.")
        String pin;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out())) {
                if (pin != null) {
                    terminal.verifyPin(pin);
                }
                byte[] signature = terminal.sign(provider, record, Digest.sha256(message.getBytes(StandardCharsets.UTF_8)));
                out().println(Base64.getEncoder().encodeToString(signature));
            }
        }
    }

    @Command(name = "change-pin", description = "S4: the holder changes the card's PIN (the PIN of every application on it).")
    static final class ChangePin extends CardAction {

        @Mixin
        Slot slot;

        @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The PIN now.")
        String pin;

        @Option(names = "--new-pin", required = true, paramLabel = "PIN", description = "The new PIN, 4 to 12 digits.")
        String newPin;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out())) {
                terminal.changePin(pin, newPin);
                out().println("the card's PIN is changed");
            }
        }
    }

    @Command(name = "holder", description = "S4: the holder, after the PIN, changes the holder data on the card.")
    static final class Holder extends CardAction {

        @Mixin
        Slot slot;

        @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The holder's PIN.")
        String pin;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The holder's name, at most 48 bytes.")
        String name;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out())) {
                terminal.verifyPin(pin);
                terminal.holder(name);
                out().println("the card's holder is " + terminal.holder());
            }
        }
    }

    @Command(name = "unblock", description = "S4: the issuer, authenticated with its key, unblocks a locked PIN and sets a new one.")
    static final class Unblock extends CardAction {

        @Mixin
        Slot slot;

        @Mixin
        Issuer issuer;

        @Option(names = "--new-pin", required = true, paramLabel = "PIN", description = "The holder's new PIN.")
        String newPin;

        @Override
        void act() {
            try (MemberTerminal terminal = slot.insert(out())) {
                terminal.authenticate(issuer.id, KeyFile.read(issuer.key).key()).resetRetryCounter(newPin);
                out().println("the PIN is unblocked, with all its tries");
            }
        }
    }

    /**
     * An S4 command. What the card's protocol cannot carry (an id, name or account too long, a PIN
     * of letters) is refused by the builders with an {@link IllegalArgumentException} before any
     * APDU goes out: for the person at the terminal that is bad usage, {@code cli.usage}.
     */
    abstract static class CardAction extends Action {

        abstract void act();

        @Override
        final void run() {
            try {
                act();
            } catch (IllegalArgumentException e) {
                throw new EscudoException(Main.USAGE, e.getMessage());
            }
        }
    }

    /** Which card the command talks to, through a member terminal. */
    static final class Slot {

        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        static final class Where {
            @Option(names = "--card", required = true, paramLabel = "NAME", converter = Converters.FileName.class,
                    description = "The software card (its directory under --cards).")
            String name;

            @Option(names = "--reader", required = true, paramLabel = "HOST:PORT", converter = ReaderAddressConverter.class,
                    description = "The card in the reader of 'escudo card simulator'.")
            ReaderAddress reader;
        }

        @Option(names = "--trace", description = "Print each APDU the terminal sends and what the card answers (PINs masked).")
        boolean trace;

        @Mixin
        Options.Nodes nodes;

        /** The card, inserted and its card OS selected. */
        MemberTerminal insert(PrintWriter out) {
            CardLink card = where.name != null ? SoftwareCard.open(nodes.cards().resolve(where.name))
                    : ReaderConnection.connect(where.reader.host(), where.reader.port());
            MemberTerminal terminal = new MemberTerminal(trace ? new CardTrace(card, out::println) : card);
            terminal.select();
            return terminal;
        }
    }

    /** The issuer's personalisation of a new card (or of the S4 application on an S3 card). */
    static final class Personalisation {

        @Option(names = "--issuer-id", required = true, paramLabel = "ID", description = "The issuer's domain id on the card.")
        String issuerId;

        @Option(names = "--issuer-key", required = true, paramLabel = "FILE",
                description = "The issuer's AES-128 key (32 hex digits); made and written owner-only if the file does not exist.")
        Path issuerKey;

        @Option(names = "--holder", required = true, paramLabel = "NAME", description = "The holder's name.")
        String holder;

        @Option(names = "--pin", required = true, paramLabel = "PIN", description = "The holder's PIN, 4 to 12 digits.")
        String pin;
    }

    /** The issuer, to load a domain or unblock the PIN. */
    static final class Issuer {

        @Option(names = "--issuer-id", required = true, paramLabel = "ID", description = "The issuer's domain id on the card.")
        String id;

        @Option(names = "--issuer-key", required = true, paramLabel = "FILE", description = "The issuer's AES-128 key file.")
        Path key;
    }

    /** A provider, with its key file. */
    static final class Provider {

        @Option(names = "--provider", required = true, paramLabel = "ID", description = "The provider's domain id, such as \"metro\".")
        String id;

        @Option(names = "--provider-key", required = true, paramLabel = "FILE",
                description = "The provider's AES-128 key file (32 hex digits); 'domain' makes it if the file does not exist.")
        Path key;
    }

    /**
     * A domain's static AES-128 key in a file of 32 hex digits. A file that does not exist yet
     * stands for a fresh key, written owner-only by {@link #keep} only once the card took it, so a
     * command the card refuses leaves no key behind.
     */
    static final class KeyFile {

        private final Path file;
        private final byte[] key;
        private final boolean fresh;

        private KeyFile(Path file, byte[] key, boolean fresh) {
            this.file = file;
            this.key = key;
            this.fresh = fresh;
        }

        static KeyFile read(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            } catch (IOException | UncheckedIOException e) {
                throw new EscudoException(BAD_KEY_FILE, "cannot read the key file " + file);
            }
            if (!text.matches("[0-9A-Fa-f]{" + 2 * SecureChannel.KEY_LENGTH + "}")) {
                throw new EscudoException(BAD_KEY_FILE, "the key file " + file + " does not hold an AES-128 key in 32 hex digits");
            }
            return new KeyFile(file, HexFormat.of().parseHex(text), false);
        }

        static KeyFile readOrFresh(Path file) {
            if (Files.exists(file)) {
                return read(file);
            }
            byte[] key = new byte[SecureChannel.KEY_LENGTH];
            new SecureRandom().nextBytes(key);
            return new KeyFile(file, key, true);
        }

        byte[] key() {
            return key.clone();
        }

        /** Writes a fresh key to its file; a key read from its file is there already. */
        void keep(PrintWriter out) {
            if (!fresh) {
                return;
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.createDirectories(parent);
            }
            PrivateFiles.createNew(file, (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.println("a new key is in " + file + " (owner-only)");
        }
    }

    /** {@code HOST:PORT} of a card reader. */
    record ReaderAddress(String host, int port) {
    }

    static final class ReaderAddressConverter implements ITypeConverter<ReaderAddress> {
        @Override
        public ReaderAddress convert(String text) {
            int colon = text.lastIndexOf(':');
            if (colon > 0 && text.substring(colon + 1).matches("[0-9]{1,5}")) {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port > 0 && port < 65_536) {
                    return new ReaderAddress(text.substring(0, colon), port);
                }
            }
            throw new TypeConversionException("'" + text + "' is not HOST:PORT");
        }
    }

    private static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
