package escudo.s2.protocol;

import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The parties of one split order, a sealed order, and one confirmed party channel exchange, built
 * with the public API, for the S2 fuzz targets. The keys are drawn anew in each run, so a bundle
 * or request a fuzzer saved in an earlier run is as foreign as a forgery in this one. The
 * channel's clock stands still, so a challenge never expires however long a fuzzer runs.
 */
final class S2Messages {

    static final String HOLDER = "holder:alice";
    static final String SELLER = "seller.example";
    static final String ISSUER = "issuer.example";
    static final String COURIER = "courier.example";
    static final Instant NOW = Instant.parse("2030-03-14T09:26:53Z");

    static final KeyDirectory DIRECTORY = new KeyDirectory();
    static final SigningKey SELLER_SIGNING_KEY = SigningKey.generate();
    static final DirectoryKeys HOLDER_KEYS = enrol(HOLDER);
    static final DirectoryKeys SELLER_KEYS = enrol(SELLER);
    static final DirectoryKeys ISSUER_KEYS = enrol(ISSUER);
    static final DirectoryKeys COURIER_KEYS = enrol(COURIER);

    static final List<Part> PARTS = List.of(
            Part.of(Role.SELLER, SELLER, Map.of(SplitOrder.CONTACT, "Ana <ana@example.org>", SplitOrder.ITEMS, "2 x tea-green-100g; 1 x mug",
                    SplitOrder.AMOUNT, Money.of(4999, "EUR").toString(), SplitOrder.PAYMENT_TYPE, "full")),
            Part.of(Role.ISSUER, ISSUER, Map.of(SplitOrder.CARD_NUMBER, "4000000000000002", SplitOrder.EXPIRY, "12/30",
                    SplitOrder.CONTACT, "Ana <ana@example.org>", SplitOrder.AMOUNT, Money.of(4999, "EUR").toString(),
                    SplitOrder.PAYMENT_TYPE, "full")),
            Part.of(Role.COURIER, COURIER, Map.of(SplitOrder.CONTACT, "Ana", SplitOrder.DESTINATION, "Rua Augusta 1, 1100-053 Lisboa")));
    static final SplitOrder.Sealed ORDER = SplitOrder.seal(SplitOrder.Form.standard(), "order-0001", HOLDER_KEYS, PARTS);

    static final String KIND = OrderMessage.Kind.AUTHORISE.wireName();
    static final byte[] BODY = "{\"amount\":{\"minor\":4999,\"currency\":\"EUR\"}}".getBytes(StandardCharsets.UTF_8);
    static final byte[] ANSWER = "{\"decision\":\"APPROVED\"}".getBytes(StandardCharsets.UTF_8);

    /**
     * One seller → issuer exchange: the issuer's receiver, the seller's session, its request and
     * the issuer's reply (null while the request was not received).
     */
    record Exchange(PartyChannel.Receiver receiver, PartyChannel.Session session, PartyChannel.Request request, PartyChannel.Reply reply) {
        /** The request sent, not received yet. */
        static Exchange unreceived() {
            PartyChannel.Receiver receiver = new PartyChannel.Receiver(ISSUER_KEYS, Clock.fixed(NOW, ZoneOffset.UTC));
            PartyChannel.Session session = PartyChannel.confirm(SELLER_KEYS, ISSUER, receiver::challenge);
            return new Exchange(receiver, session, session.request(KIND, BODY), null);
        }

        /** The request received and answered. */
        static Exchange make() {
            Exchange sent = unreceived();
            return new Exchange(sent.receiver, sent.session, sent.request, sent.receiver.receive(sent.request).reply(ANSWER));
        }
    }

    static final BlomShare BLOM_SHARE = BlomAuthority.generate(3, new SecureRandom()).issue(SELLER);

    private S2Messages() {
    }

    private static DirectoryKeys enrol(String id) {
        DirectoryKeys keys = DirectoryKeys.generate(id, DIRECTORY);
        SigningKey signing = id.equals(SELLER) ? SELLER_SIGNING_KEY : SigningKey.generate();
        DIRECTORY.register(id, keys.publicKey(), signing.verifyingKey());
        return keys;
    }
}
