package escudo.cli;

import escudo.node.KeyVault;
import escudo.node.NodeConfig;
import escudo.http.PartyClient;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options several commands share, each written once as a picocli mixin. */
final class Options {

    private Options() {}

    /** {@code --config FILE}: the node's settings, read once when a command first needs them. */
    static final class Config {

        @Option(names = "--config", paramLabel = "FILE",
                description = "The node's settings (default: ./escudo.properties if it exists); ESCUDO_* variables override them.")
        Path file;

        private NodeConfig loaded;

        NodeConfig get() {
            if (loaded == null) {
                loaded = file == null ? NodeConfig.load() : NodeConfig.load(file);
            }
            return loaded;
        }
    }

    /**
     * Where the nodes listen and where this machine keeps cards, devices and holders' keys: every
     * command that talks to a node takes all of them, so one set of options works for any command.
     */
    static final class Nodes {

        @Mixin
        Config config;

        @Option(names = "--issuer", paramLabel = "URL", description = "The bank's node (default: escudo.issuer.url).")
        URI issuer;

        @Option(names = "--merchant", paramLabel = "URL", description = "The merchant's node (default: escudo.merchant.url).")
        URI merchant;

        @Option(names = "--courier", paramLabel = "URL", description = "The courier's node (default: escudo.courier.url).")
        URI courier;

        @Option(names = "--cards", paramLabel = "DIR", description = "Where the cards are kept (default: <data dir>/cards).")
        Path cards;

        @Option(names = "--devices", paramLabel = "DIR", description = "Where the device wallets are kept (default: <data dir>/devices).")
        Path devices;

        @Option(names = "--holders", paramLabel = "DIR", description = "Where the holders' S2 keys are kept (default: <data dir>/holders).")
        Path holders;

        @Option(names = "--phones", paramLabel = "DIR", description = "Where the S1 phones are kept (default: <data dir>/phones).")
        Path phones;

        @Option(names = "--token", paramLabel = "TOKEN", description = "The operator token for the desk commands of the bank, "
                + "the merchant and the courier (default: ESCUDO_OPERATOR_TOKEN, or <data dir>/keys/operator.token on the node's machine).")
        String token;

        NodeConfig config() {
            return config.get();
        }

        /** The bank, with the operator token when there is one (its desk commands need it). */
        PartyClient bank() {
            return desk(bankUri());
        }

        /** The merchant, with the operator token when there is one (its till and its desk commands need it). */
        PartyClient merchant() {
            return desk(merchantUri());
        }

        /** The merchant as its customers reach it, with no token: the card holder's terminal, the shopper. */
        PartyClient merchantAsCustomer() {
            return new PartyClient(merchantUri());
        }

        private URI merchantUri() {
            return merchant != null ? merchant : config().merchantUrl();
        }

        /** The courier, with the operator token when there is one (its desk commands need it). */
        PartyClient courier() {
            return desk(courier != null ? courier : config().courierUrl());
        }

        Path cards() {
            return cards != null ? cards : config().dataDir().resolve("cards");
        }

        Path devices() {
            return devices != null ? devices : config().dataDir().resolve("devices");
        }

        Path phones() {
            return phones != null ? phones : config().dataDir().resolve("phones");
        }

        /** The bank's address, for a client that speaks other than JSON to it (the phone's CMP). */
        URI bankUri() {
            return issuer != null ? issuer : config().issuerUrl();
        }

        Path holders() {
            return holders != null ? holders : config().dataDir().resolve("holders");
        }

        private PartyClient desk(URI uri) {
            String operator = token != null ? token : KeyVault.readOperatorToken(config().dataDir(), System.getenv()).orElse(null);
            return operator == null ? new PartyClient(uri) : new PartyClient(uri, operator);
        }
    }
}
