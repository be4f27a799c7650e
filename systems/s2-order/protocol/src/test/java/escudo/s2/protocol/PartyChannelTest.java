package escudo.s2.protocol;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.crypto.CanonicalWriter;
import escudo.s2.protocol.PartyChannel.Challenge;
import escudo.s2.protocol.PartyChannel.Hello;
import escudo.s2.protocol.PartyChannel.Received;
import escudo.s2.protocol.PartyChannel.Receiver;
import escudo.s2.protocol.PartyChannel.Reply;
import escudo.s2.protocol.PartyChannel.Request;
import escudo.s2.protocol.PartyChannel.Session;
import escudo.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PartyChannelTest {

    static final String ALICE = "seller.example";
    static final String BOB = "issuer.example";
    static final String CAROL = "courier.example";
    static final String KIND = OrderMessage.Kind.AUTHORISE.wireName();
    static final byte[] BODY = "{\"amount\":\"49.99 EUR\",\"bundle\":\"c2VjcmV0\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] ANSWER = "{\"decision\":\"APPROVED\"}".getBytes(StandardCharsets.UTF_8);

    enum Mode { DIRECTORY, BLOM }

    /**
     * Three genuine parties, and two impostors that claim the identifiers of Alice and Bob with keys
     * of their own: in directory mode their own key pair in another directory (which lists the real
     * keys of everyone else), in Blom mode a share from another authority.
     */
    record World(PairwiseKeys alice, PairwiseKeys bob, PairwiseKeys carol, PairwiseKeys fakeAlice, PairwiseKeys fakeBob) {
        static World of(Mode mode) {
            if (mode == Mode.DIRECTORY) {
                KeyDirectory directory = new KeyDirectory();
                DirectoryKeys alice = PairwiseKeysTest.enrol(ALICE, directory);
                DirectoryKeys bob = PairwiseKeysTest.enrol(BOB, directory);
                DirectoryKeys carol = PairwiseKeysTest.enrol(CAROL, directory);
                List<DirectoryKeys> real = List.of(alice, bob, carol);
                return new World(alice, bob, carol, impostor(ALICE, real), impostor(BOB, real));
            }
            BlomAuthority authority = BlomAuthority.generate(4, new SecureRandom());
            BlomAuthority rogue = BlomAuthority.generate(4, new SecureRandom());
            return new World(authority.issue(ALICE), authority.issue(BOB), authority.issue(CAROL),
                    rogue.issue(ALICE), rogue.issue(BOB));
        }

        private static DirectoryKeys impostor(String id, List<DirectoryKeys> real) {
            KeyDirectory theirs = new KeyDirectory();
            for (DirectoryKeys party : real) {
                if (!party.myId().equals(id)) {
                    theirs.register(party.myId(), party.publicKey(), escudo.crypto.SigningKey.generate().verifyingKey());
                }
            }
            return PairwiseKeysTest.enrol(id, theirs);
        }
    }

    final TestClock clock = new TestClock(Instant.parse("2030-01-01T12:00:00Z"));


    static Function<Hello, Challenge> via(Receiver receiver) {
        return receiver::challenge;
    }

    static Bytes nonce() {
        byte[] nonce = new byte[PartyChannel.NONCE_LENGTH];
        new SecureRandom().nextBytes(nonce);
        return Bytes.of(nonce);
    }

    static Bytes flip(Bytes bytes, int index) {
        byte[] copy = bytes.toByteArray();
        copy[index] ^= 1;
        return Bytes.of(copy);
    }

    static boolean contains(Bytes haystack, byte[] needle) {
        return haystack.hex().contains(HexFormat.of().formatHex(needle));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void confirmRequestReceiveReplyOpen(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        assertEquals(BOB, bob.myId());
        AtomicReference<Hello> said = new AtomicReference<>();

        Session session = PartyChannel.confirm(w.alice(), BOB, hello -> {
            said.set(hello);
            return bob.challenge(hello);
        });
        assertEquals(BOB, session.peer());
        assertEquals(ALICE, said.get().from());
        assertEquals(BOB, said.get().to());
        assertEquals(PartyChannel.NONCE_LENGTH, said.get().nonce().length());

        Request request = session.request(KIND, BODY);
        assertEquals(ALICE, request.from());
        assertEquals(BOB, request.to());
        assertEquals(KIND, request.kind());
        assertFalse(contains(request.sealed(), BODY), "the body travels sealed");

        Received received = bob.receive(request);
        assertEquals(ALICE, received.from());
        assertEquals(KIND, received.kind());
        assertArrayEquals(BODY, received.body());

        Reply reply = received.reply(ANSWER);
        assertFalse(contains(reply.sealed(), ANSWER), "the answer travels sealed");
        assertArrayEquals(ANSWER, session.open(reply));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void interleavedSendersAreEachNamedAsThemselvesAndEmptyBodiesRoundTrip(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Session fromAlice = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Session fromCarol = PartyChannel.confirm(w.carol(), BOB, via(bob));

        Request carolRequest = fromCarol.request(OrderMessage.Kind.DELIVERY_STATUS.wireName(), new byte[0]);
        Request aliceRequest = fromAlice.request(KIND, BODY);
        Received carol = bob.receive(carolRequest);
        Received alice = bob.receive(aliceRequest);

        assertEquals(CAROL, carol.from());
        assertEquals(OrderMessage.Kind.DELIVERY_STATUS.wireName(), carol.kind());
        assertArrayEquals(new byte[0], carol.body());
        assertEquals(ALICE, alice.from());
        assertArrayEquals(BODY, alice.body());
        assertArrayEquals(new byte[0], fromCarol.open(carol.reply(new byte[0])));
        assertArrayEquals(ANSWER, fromAlice.open(alice.reply(ANSWER)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aReceiverWithoutTheRealKeysFailsConfirmation(Mode mode) {
        World w = World.of(mode);
        Receiver impostor = new Receiver(w.fakeBob(), clock);
        assertEquals(BOB, impostor.myId());

        OrderException e = assertThrows(OrderException.class, () -> PartyChannel.confirm(w.alice(), BOB, via(impostor)));
        assertEquals(OrderException.PARTY_UNAUTHENTICATED, e.code());
        assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aChallengeAnsweringAnotherHelloFailsConfirmation(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Challenge old = bob.challenge(new Hello(ALICE, BOB, nonce()));

        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> PartyChannel.confirm(w.alice(), BOB, hello -> old));
        // Bob's proof for Alice's hello does not confirm Bob to Carol either.
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> PartyChannel.confirm(w.carol(), BOB,
                hello -> bob.challenge(new Hello(ALICE, BOB, hello.nonce()))));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSenderImpostorsRequestIsRefused(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        // The impostor cannot confirm Bob ...
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> PartyChannel.confirm(w.fakeAlice(), BOB, via(bob)));

        // ... so it skips the check: it takes Bob's real challenge and swaps in a proof under its own key.
        Session session = PartyChannel.confirm(w.fakeAlice(), BOB, hello -> {
            Challenge real = bob.challenge(hello);
            byte[] ad = CanonicalWriter.domain(PartyChannel.HELLO_TAG).string(ALICE).string(BOB)
                    .bytes(hello.nonce()).bytes(real.nonce()).toByteArray();
            return new Challenge(real.nonce(), Bytes.of(w.fakeAlice().pairKey(BOB, PartyChannel.PURPOSE).seal(new byte[0], ad)));
        });
        Request forged = session.request(KIND, BODY);
        assertEquals(ALICE, forged.from());

        OrderException e = assertThrows(OrderException.class, () -> bob.receive(forged));
        assertEquals(OrderException.PARTY_UNAUTHENTICATED, e.code());
        assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aReplayedRequestFindsItsChallengeSpent(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Session session = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Request request = session.request(KIND, BODY);
        assertArrayEquals(BODY, bob.receive(request).body());

        OrderException e = assertThrows(OrderException.class, () -> bob.receive(request));
        assertEquals(OrderException.CHALLENGE_UNKNOWN, e.code());
        assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN, () -> bob.receive(request));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRequestForAChallengeIssuedToAnotherSenderIsRefused(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Session alice = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Session carol = PartyChannel.confirm(w.carol(), BOB, via(bob));
        Request aliceRequest = alice.request(KIND, BODY);
        Request carolRequest = carol.request(KIND, BODY);

        // Alice's sealed request on the challenge Bob gave Carol.
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN,
                () -> bob.receive(new Request(ALICE, BOB, KIND, carolRequest.senderNonce(), carolRequest.nonce(), aliceRequest.sealed())));
        // Alice's genuine request is untouched by that attempt.
        assertEquals(ALICE, bob.receive(aliceRequest).from());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void challengesAreTheReceiversOwnAndHellosLeaveNoState(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Session alice = PartyChannel.confirm(w.alice(), BOB, via(bob));
        // a flood of hellos from anyone costs the receiver no memory and crowds nobody out
        for (int i = 0; i < 2_000; i++) {
            bob.challenge(new Hello(CAROL, BOB, nonce()));
        }
        Request request = alice.request(KIND, BODY);
        // a challenge the receiver never made, or made by another receiver (another secret), is unknown
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN, () -> bob.receive(new Request(ALICE, BOB, KIND, request.senderNonce(),
                nonce(), request.sealed())));
        Receiver otherBob = new Receiver(w.bob(), clock);
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN, () -> otherBob.receive(request));
        // the same challenge with another hello nonce is unknown too
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN, () -> bob.receive(new Request(ALICE, BOB, KIND, nonce(), request.nonce(),
                request.sealed())));
        assertArrayEquals(BODY, bob.receive(request).body());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anExpiredChallengeIsUnknown(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);

        Session late = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Request lateRequest = late.request(KIND, BODY);
        clock.advance(PartyChannel.CHALLENGE_LIFETIME);
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN, () -> bob.receive(lateRequest));

        Session inTime = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Request inTimeRequest = inTime.request(KIND, BODY);
        clock.advance(PartyChannel.CHALLENGE_LIFETIME.minusSeconds(1));
        assertArrayEquals(BODY, bob.receive(inTimeRequest).body());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void helloAndRequestForAnotherPartyAreWrongRecipient(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> bob.challenge(new Hello(ALICE, CAROL, nonce())));
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT, () -> PartyChannel.confirm(w.alice(), CAROL, via(bob)));

        Session session = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Request request = session.request(KIND, BODY);
        assertRefused(OrderException.class, OrderException.WRONG_RECIPIENT,
                () -> bob.receive(new Request(ALICE, CAROL, KIND, request.senderNonce(), request.nonce(), request.sealed())));
        // Checked before the challenge is looked up: the genuine request still goes through.
        assertEquals(ALICE, bob.receive(request).from());
    }

    @Test
    void anUnknownPartyIsRefusedOnBothSides() {
        World w = World.of(Mode.DIRECTORY);
        Receiver bob = new Receiver(w.bob(), clock);
        assertRefused(OrderException.class, OrderException.UNKNOWN_PARTY, () -> bob.challenge(new Hello("nobody.example", BOB, nonce())));

        List<Hello> sent = new ArrayList<>();
        assertRefused(OrderException.class, OrderException.UNKNOWN_PARTY, () -> PartyChannel.confirm(w.alice(), "nobody.example", hello -> {
            sent.add(hello);
            return bob.challenge(hello);
        }));
        assertEquals(List.of(), sent, "nothing is sent to a party without a key");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void alteredRequestsAreRefusedAndCannotSpendTheChallenge(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);

        for (int which = 0; which < 3; which++) {
            Request request = PartyChannel.confirm(w.alice(), BOB, via(bob)).request(KIND, BODY);
            int length = request.sealed().length();
            int index = which == 0 ? 0 : which == 1 ? length / 2 : length - 1;
            assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> bob.receive(new Request(ALICE, BOB, KIND, request.senderNonce(),
                    request.nonce(), flip(request.sealed(), index))));
            // a forgery does not burn the challenge: the genuine request still goes through, once
            assertEquals(ALICE, bob.receive(request).from());
            assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN, () -> bob.receive(request));
        }

        Request kindChanged = PartyChannel.confirm(w.alice(), BOB, via(bob)).request(KIND, BODY);
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> bob.receive(new Request(ALICE, BOB,
                OrderMessage.Kind.DELIVER.wireName(), kindChanged.senderNonce(), kindChanged.nonce(), kindChanged.sealed())));
        assertEquals(KIND, bob.receive(kindChanged).kind());

        Request fromChanged = PartyChannel.confirm(w.alice(), BOB, via(bob)).request(KIND, BODY);
        assertRefused(OrderException.class, OrderException.CHALLENGE_UNKNOWN,
                () -> bob.receive(new Request(CAROL, BOB, KIND, fromChanged.senderNonce(), fromChanged.nonce(), fromChanged.sealed())));

        Request truncated = PartyChannel.confirm(w.alice(), BOB, via(bob)).request(KIND, BODY);
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> bob.receive(new Request(ALICE, BOB, KIND, truncated.senderNonce(), truncated.nonce(),
                Bytes.of(java.util.Arrays.copyOf(truncated.sealed().toByteArray(), 10)))));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aReplyOpensOnlyInItsOwnSessionAndUnaltered(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Session first = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Session second = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Request firstRequest = first.request(KIND, BODY);
        Received firstReceived = bob.receive(firstRequest);
        Received secondReceived = bob.receive(second.request(KIND, BODY));
        Reply toFirst = firstReceived.reply(ANSWER);
        Reply toSecond = secondReceived.reply(ANSWER);

        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> first.open(toSecond));
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> second.open(toFirst));
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> first.open(new Reply(flip(toFirst.sealed(), toFirst.sealed().length() - 1))));
        // The sender's own request reflected back as the reply.
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> first.open(new Reply(firstRequest.sealed())));
        // A reply from another party (Carol, also talking to Alice) does not open either.
        Receiver carol = new Receiver(w.carol(), clock);
        Session toCarol = PartyChannel.confirm(w.alice(), CAROL, via(carol));
        Reply fromCarol = carol.receive(toCarol.request(KIND, BODY)).reply(ANSWER);
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> first.open(fromCarol));

        assertArrayEquals(ANSWER, first.open(toFirst));
        assertArrayEquals(ANSWER, second.open(toSecond));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aChallengeProofReflectedAsARequestOrReplyIsRefused(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);

        // Someone without any key says hello as Alice and sends Bob's own proof back as the request.
        Bytes helloNonce = nonce();
        Challenge challenge = bob.challenge(new Hello(ALICE, BOB, helloNonce));
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED,
                () -> bob.receive(new Request(ALICE, BOB, KIND, helloNonce, challenge.nonce(), challenge.proof())));

        // Bob's proof in a genuine session, played back to Alice as Bob's reply.
        AtomicReference<Challenge> seen = new AtomicReference<>();
        Session session = PartyChannel.confirm(w.alice(), BOB, hello -> {
            seen.set(bob.challenge(hello));
            return seen.get();
        });
        Request request = session.request(KIND, BODY);
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED, () -> session.open(new Reply(seen.get().proof())));

        // Alice's request to Bob, turned round and sent to Alice's own receiver as if from Bob.
        Receiver alice = new Receiver(w.alice(), clock);
        Bytes bobsHello = nonce();
        Challenge aliceChallenge = alice.challenge(new Hello(BOB, ALICE, bobsHello));
        assertRefused(OrderException.class, OrderException.PARTY_UNAUTHENTICATED,
                () -> alice.receive(new Request(BOB, ALICE, KIND, bobsHello, aliceChallenge.nonce(), request.sealed())));

        assertNotNull(bob.receive(request));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSessionCarriesOneRequest(Mode mode) {
        World w = World.of(mode);
        Receiver bob = new Receiver(w.bob(), clock);
        Session fresh = PartyChannel.confirm(w.alice(), BOB, via(bob));
        assertThrows(IllegalStateException.class, () -> fresh.open(new Reply(Bytes.of(new byte[40]))));

        Session session = PartyChannel.confirm(w.alice(), BOB, via(bob));
        Request request = session.request(KIND, BODY);
        assertThrows(IllegalStateException.class, () -> session.request(KIND, BODY));
        assertThrows(IllegalStateException.class, () -> session.request(OrderMessage.Kind.DELIVER.wireName(), BODY));
        assertArrayEquals(ANSWER, session.open(bob.receive(request).reply(ANSWER)));
    }

    @Test
    void malformedMessagesAreRefusedAndRecordsCopyTheirBytes() {
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Hello(ALICE, BOB, Bytes.of(new byte[PartyChannel.NONCE_LENGTH - 1])));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Hello("", BOB, nonce()));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Challenge(null, Bytes.EMPTY));
        assertRefused(OrderException.class, OrderException.MALFORMED, () -> new Request(ALICE, BOB, " ", nonce(), nonce(), Bytes.EMPTY));
        assertRefused(OrderException.class, OrderException.MALFORMED,
                () -> new Request(ALICE, BOB, KIND, nonce(), Bytes.of(new byte[PartyChannel.NONCE_LENGTH + 1]), Bytes.EMPTY));

        byte[] n = nonce().toByteArray();
        Hello hello = new Hello(ALICE, BOB, Bytes.of(n));
        byte[] original = n.clone();
        n[0] ^= 1;
        hello.nonce().toByteArray()[1] ^= 1;
        assertArrayEquals(original, hello.nonce().toByteArray());
    }

    @Test
    void requestsWithTheSameContentAreEqualAndTheArraysPassedInDoNotChangeThem() {
        byte[] senderNonce = nonce().toByteArray();
        byte[] receiverNonce = nonce().toByteArray();
        byte[] sealed = "sealed body".getBytes(StandardCharsets.UTF_8);
        Request request = new Request(ALICE, BOB, KIND, Bytes.of(senderNonce), Bytes.of(receiverNonce), Bytes.of(sealed));
        Request sameContent = new Request(ALICE, BOB, KIND, Bytes.of(senderNonce.clone()), Bytes.of(receiverNonce.clone()),
                Bytes.of(sealed.clone()));

        assertEquals(sameContent, request);
        assertEquals(sameContent.hashCode(), request.hashCode());
        assertNotEquals(new Request(ALICE, BOB, KIND, Bytes.of(senderNonce), Bytes.of(receiverNonce), flip(Bytes.of(sealed), 0)), request);
        assertNotEquals(new Request(ALICE, BOB, KIND, Bytes.of(senderNonce), flip(Bytes.of(receiverNonce), 31), Bytes.of(sealed)), request);

        senderNonce[0] ^= 1;
        receiverNonce[0] ^= 1;
        sealed[0] ^= 1;
        assertEquals(sameContent, request, "changing the arrays passed in does not change the request");
        byte[] answer = "sealed answer".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Reply(Bytes.of(answer)), new Reply(Bytes.of(answer.clone())));
    }
}
