package escudo.s2.protocol;

import static escudo.s2.protocol.S2Messages.ANSWER;
import static escudo.s2.protocol.S2Messages.BODY;
import static escudo.s2.protocol.S2Messages.ISSUER;
import static escudo.s2.protocol.S2Messages.KIND;
import static escudo.s2.protocol.S2Messages.SELLER;
import static escudo.testing.Decoding.assertEveryByteFlipRefused;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.s2.protocol.PartyChannel.Reply;
import escudo.s2.protocol.PartyChannel.Request;
import escudo.s2.protocol.S2Messages.Exchange;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): the sealed bodies of the S2 party channel. Whatever bytes arrive
 * as a request's or a reply's sealed body, the channel opens them or refuses with {@code order.*},
 * and only the bytes the peer sealed open.
 */
class PartyChannelFuzzTest {

    /** A request its receiver has not seen yet (the first valid one to arrive is accepted, once). */
    private static final Exchange UNSEEN = Exchange.unreceived();
    /** A completed exchange: the request was received and answered. */
    private static final Exchange ANSWERED = Exchange.make();

    static Stream<byte[]> requests() {
        return Stream.of(UNSEEN.request().sealed().toByteArray());
    }

    @MethodSource("requests")
    @FuzzTest(maxDuration = "5s")
    void receiverOpensOnlyTheRequestItsSenderSealed(byte[] sealed) {
        Request valid = UNSEEN.request();
        Request request = new Request(valid.from(), valid.to(), valid.kind(), valid.senderNonce(), valid.nonce(), Bytes.of(sealed));
        decodedOrRefused(() -> UNSEEN.receiver().receive(request)).ifPresent(received -> {
            assertArrayEquals(valid.sealed().toByteArray(), sealed, () -> "an altered request opened: " + hex(sealed));
            assertArrayEquals(BODY, received.body());
        });
    }

    static Stream<byte[]> replies() {
        return Stream.of(ANSWERED.reply().sealed().toByteArray());
    }

    @MethodSource("replies")
    @FuzzTest(maxDuration = "5s")
    void senderOpensOnlyTheReplyItsPeerSealed(byte[] sealed) {
        decodedOrRefused(() -> ANSWERED.session().open(new Reply(Bytes.of(sealed)))).ifPresent(answer -> {
            assertArrayEquals(ANSWERED.reply().sealed().toByteArray(), sealed, () -> "an altered reply opened: " + hex(sealed));
            assertArrayEquals(ANSWER, answer);
        });
    }

    @Test
    void everySingleByteChangeOfARequestOrReplyIsRefused() {
        Exchange fresh = Exchange.unreceived();
        Request valid = fresh.request();
        assertEveryByteFlipRefused(valid.sealed().toByteArray(), sealed -> fresh.receiver().receive(
                new Request(SELLER, ISSUER, KIND, valid.senderNonce(), valid.nonce(), Bytes.of(sealed))) != null);
        assertEveryByteFlipRefused(valid.nonce().toByteArray(), nonce -> fresh.receiver().receive(
                new Request(SELLER, ISSUER, KIND, valid.senderNonce(), Bytes.of(nonce), valid.sealed())) != null);
        assertEveryByteFlipRefused(valid.senderNonce().toByteArray(), nonce -> fresh.receiver().receive(
                new Request(SELLER, ISSUER, KIND, Bytes.of(nonce), valid.nonce(), valid.sealed())) != null);
        assertArrayEquals(BODY, fresh.receiver().receive(valid).body());
        assertEveryByteFlipRefused(ANSWERED.reply().sealed().toByteArray(),
                sealed -> ANSWERED.session().open(new Reply(Bytes.of(sealed))) != null);
    }
}
