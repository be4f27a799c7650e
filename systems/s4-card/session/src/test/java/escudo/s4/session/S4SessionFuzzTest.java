package escudo.s4.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.crypto.Hpke;
import escudo.crypto.SigningKey;
import escudo.s4.protocol.P256;
import escudo.s4.session.testing.TestCard;
import escudo.testing.Decoding;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): what the provider decodes and checks of a session message, and
 * what a hop decodes of the provider's combined reply. Any input decodes to a message that encodes
 * back to exactly it, or is refused with a code; of all inputs, the provider accepts only the
 * request the members made in this run.
 */
class S4SessionFuzzTest {

    private static final Provider PROVIDER = new Provider("bank", SigningKey.generate(), Hpke.Recipient.generate());
    private static final TestCard ALICE = new TestCard();
    private static final TestCard BOB = new TestCard();
    private static final byte[] REQUEST = Envelope.combine(List.of(new Envelope.Single(start(ALICE).request())), start(BOB).request(), BOB).encode();
    private static final byte[] REPLY = keyExchange(REQUEST).reply().encode();

    private static MemberSession start(TestCard card) {
        return MemberSession.start(PROVIDER.keys(), card, new SessionOptions(false, true, false), "fuzz");
    }

    private static Provider.Exchange keyExchange(byte[] message) {
        return PROVIDER.keyExchange(Envelope.decode(message), "ses-fuzz", () -> "tx-fuzz", key -> {
            if (!Arrays.equals(P256.encode(key), P256.encode(ALICE.publicKey())) && !Arrays.equals(P256.encode(key), P256.encode(BOB.publicKey()))) {
                throw new SessionException(SessionException.UNKNOWN_MEMBER, "no such member");
            }
            return "member";
        });
    }

    static Stream<byte[]> requests() {
        return Stream.of(REQUEST);
    }

    static Stream<byte[]> replies() {
        return Stream.of(REPLY);
    }

    @MethodSource("requests")
    @FuzzTest(maxDuration = "5s")
    void theProviderDecodesAndAcceptsOnlyTheMembersOwnRequest(byte[] input) {
        Decoding.decodedOrRefused(() -> Envelope.decode(input)).ifPresent(envelope -> assertArrayEquals(input, envelope.encode()));
        Decoding.decodedOrRefused(() -> keyExchange(input)).ifPresent(accepted -> assertArrayEquals(REQUEST, input));
    }

    @MethodSource("replies")
    @FuzzTest(maxDuration = "5s")
    void aHopDecodesOnlyRepliesThatReencodeAndTrustsOnlyTheProvidersSignature(byte[] input) {
        Decoding.decodedOrRefused(() -> {
            ReplyTree tree = ReplyTree.decode(input);
            assertArrayEquals(input, tree.encode());
            tree.verify(PROVIDER.keys().signing(), 1);
            return tree;
        }).ifPresent(verified -> assertArrayEquals(REPLY, input));
    }

    @Test
    void everyChangedByteOfTheRequestOrTheReplyIsRefused() {
        Decoding.assertEveryByteFlipRefused(REQUEST, bytes -> keyExchange(bytes).states().size() == 2);
        Decoding.assertEveryByteFlipRefused(REPLY, bytes -> {
            ReplyTree.decode(bytes).verify(PROVIDER.keys().signing(), 1);
            return true;
        });
        assertEquals(2, keyExchange(REQUEST).states().size());
    }
}
