package escudo.cli;

import escudo.core.Bytes;
import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.crypto.PrivateFiles;
import escudo.crypto.SecretAccess;
import escudo.crypto.SigningKey;
import escudo.s2.client.BlomShares;
import escudo.s2.client.OrderKeys;
import escudo.http.PartyClient;
import escudo.s2.client.ChannelClient;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.KeyDirectory;
import escudo.s2.protocol.OrderMessage;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.Offer;
import escudo.s2.protocol.OrderMessage.OrderStatus;
import escudo.s2.protocol.PairwiseKeys;
import escudo.s2.client.Shopper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.TypeConversionException;

/**
 * The card holder's terminal for S2 (seed 002, terminal 1): the holder's static X25519 key, kept
 * in a private file beside its public entry in the bank's key directory, and the order from
 * basket to status over the party channel.
 */
final class Shopping {

    /** No holder of that id is enrolled in the directory. */
    static final ErrorCode NO_HOLDER = ErrorCode.declare("cli.no-holder", Kind.NOT_FOUND);

    static final String KEY_FILE = "order.key";
    /** A holder's Blom share, written by {@code escudo blom issue}; used instead of the X25519 key when present. */
    static final String BLOM_FILE = "blom.share";

    private Shopping() {
    }

    /**
     * The bank's desk enrols a holder for S2: a fresh X25519 key (for the pairwise keys) and an
     * Ed25519 key (to sign the directory registration), kept in {@code dir}, the public halves
     * published in the bank's directory.
     */
    static DirectoryKeys enrol(PartyClient bankDesk, Path dir, String holderId) {
        Path file = dir.resolve(KEY_FILE);
        if (Files.exists(file)) {
            throw new EscudoException(BlomShares.EXISTS, holderId + " is already enrolled in " + dir);
        }
        DirectoryKeys keys = DirectoryKeys.generate(holderId, new KeyDirectory());
        SigningKey signing = SigningKey.generate();
        RemoteDirectory.register(bankDesk, holderId, keys.publicKey(), signing);
        PrivateFiles.createDirectories(dir);
        byte[] secret = keys.privateKey(SecretAccess.forSealedStorage());
        try {
            PrivateFiles.createNew(file, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return keys;
    }

    /**
     * The holder's keys from {@code dir}: its Blom share if it has one, else its X25519 key with the
     * bank's directory for the other parties' public keys.
     */
    static PairwiseKeys open(Path dir, String holderId, PartyClient bank) {
        if (Files.exists(dir.resolve(BLOM_FILE))) {
            return new OrderKeys.Blom(BlomShares.read(dir.resolve(BLOM_FILE))).keysFor(holderId, null);
        }
        Path file = dir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            throw new EscudoException(NO_HOLDER,
                    holderId + " has no S2 keys in " + dir + "; the bank's desk enrols with 'escudo shopper enrol'");
        }
        try {
            return DirectoryKeys.fromPrivateKey(holderId, Files.readAllBytes(file), RemoteDirectory.over(bank));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sku:qty[,sku:qty]} as a basket (a bare {@code sku} means one); the {@code --items} converter. */
    static Basket basket(String items) {
        List<Basket.Line> lines = new ArrayList<>();
        for (String item : items.split(",")) {
            String[] parts = item.strip().split(":");
            try {
                lines.add(new Basket.Line(parts[0], parts.length == 1 ? 1 : Long.parseLong(parts[1])));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + item + "' is not sku:quantity[,sku:quantity]");
            }
        }
        return new Basket(lines);
    }

    /** Asks the shop for its order form for the basket. */
    static Offer offer(PartyClient shop, Basket basket) {
        return shop.post("/merchant/shop/offers", basket, Offer.class);
    }

    /** Seals the order for the offer's parties (the card's issuer named by the holder) and places it. */
    static OrderStatus place(PairwiseKeys holder, String cardIssuerId, PartyClient shop, Offer offer, Shopper.Details details) {
        Bytes bundle = Bytes.of(new Shopper(holder, cardIssuerId).seal(offer, details).encode());
        try (ChannelClient seller = channel(holder, offer.sellerId(), shop)) {
            return seller.call(OrderMessage.Kind.PLACE_ORDER, new OrderMessage.Placement(bundle), OrderStatus.class);
        }
    }

    /** Where the order stands, as the shop tells its holder (and only its holder). */
    static OrderStatus status(PairwiseKeys holder, String sellerId, PartyClient shop, String orderId) {
        try (ChannelClient seller = channel(holder, sellerId, shop)) {
            return seller.call(OrderMessage.Kind.ORDER_STATUS, new OrderMessage.StatusQuery(orderId), OrderStatus.class);
        }
    }

    private static ChannelClient channel(PairwiseKeys holder, String sellerId, PartyClient shop) {
        return new ChannelClient(holder, sellerId, new PartyClient(shop.baseUri()), "/merchant");
    }

    static String describe(OrderStatus s) {
        return "order " + s.orderId() + " at " + s.sellerId() + ": " + s.state() + ", " + s.amount()
                + (s.authorisationId() == null ? "" : ", authorisation " + s.authorisationId())
                + (s.trackingId() == null ? "" : ", tracking " + s.trackingId())
                + (s.reason() == null ? "" : " [" + s.reason() + "]");
    }
}
