package escudo.s2.protocol;

import static escudo.s2.protocol.S2Messages.COURIER;
import static escudo.s2.protocol.S2Messages.COURIER_KEYS;
import static escudo.s2.protocol.S2Messages.HOLDER_KEYS;
import static escudo.s2.protocol.S2Messages.ISSUER;
import static escudo.s2.protocol.S2Messages.ISSUER_KEYS;
import static escudo.s2.protocol.S2Messages.ORDER;
import static escudo.s2.protocol.S2Messages.PARTS;
import static escudo.s2.protocol.S2Messages.SELLER;
import static escudo.s2.protocol.S2Messages.SELLER_KEYS;
import static escudo.testing.Decoding.assertEveryByteFlipRefused;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Money;
import escudo.crypto.SecretAccess;
import escudo.s2.protocol.OrderPart.CourierPart;
import escudo.s2.protocol.OrderPart.IssuerPart;
import escudo.s2.protocol.OrderPart.SellerPart;
import escudo.s2.protocol.SplitOrder.Part;
import escudo.s2.protocol.SplitOrder.Role;
import escudo.s2.protocol.SplitOrder.Sealed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): what S2 reads from bytes. The sealed order bundle every party
 * decodes and opens its own part of, the fields of an opened part, and a party's exported Blom
 * share. For any input the decoder returns a value or refuses with {@code order.*}; what decodes
 * re-encodes to its bytes; a part opens only in the bundle it was bound to; an opened part writes
 * back the fields the holder sealed.
 */
class S2BytesFuzzTest {

    /** Who opens which part: the recipient, its keys and the part type of its role. */
    private record Recipient(String id, PairwiseKeys keys, Class<? extends OrderPart> type, Role role) {
    }

    private static final List<Recipient> RECIPIENTS = List.of(
            new Recipient(SELLER, SELLER_KEYS, SellerPart.class, Role.SELLER),
            new Recipient(ISSUER, ISSUER_KEYS, IssuerPart.class, Role.ISSUER),
            new Recipient(COURIER, COURIER_KEYS, CourierPart.class, Role.COURIER));

    /** A bundle the holder sealed, with the parts it sealed in it. */
    private record Genuine(Sealed sealed, List<Part> parts) {
    }

    private static final List<Genuine> GENUINE = List.of(new Genuine(ORDER, PARTS),
            new Genuine(SplitOrder.seal(SplitOrder.Form.standard(), "o-2", HOLDER_KEYS, List.of(PARTS.get(2))), List.of(PARTS.get(2))));

    static Stream<byte[]> bundles() {
        return GENUINE.stream().map(g -> g.sealed().encode());
    }

    @MethodSource("bundles")
    @FuzzTest(maxDuration = "5s")
    void decodesBundlesThatReencodeAndOpensOnlyTheBoundParts(byte[] encoded) {
        decodedOrRefused(() -> Sealed.decode(encoded)).ifPresent(bundle -> {
            assertArrayEquals(encoded, bundle.encode(), () -> "a second encoding of a sealed order: " + hex(encoded));
            for (Recipient recipient : RECIPIENTS) {
                decodedOrRefused(() -> SplitOrder.open(bundle, recipient.id(), recipient.keys(), recipient.type()))
                        .ifPresent(opened -> assertBoundToItsOrder(bundle, recipient, opened));
            }
        });
    }

    /** A part that opens is a part the holder sealed, in the order and among the commitments it was sealed with. */
    private static void assertBoundToItsOrder(Sealed bundle, Recipient recipient, SplitOrder.Opened<?> opened) {
        Genuine genuine = GENUINE.stream().filter(g -> g.sealed().digest().equals(bundle.digest())).findFirst()
                .orElseThrow(() -> new AssertionError("a part opened in a bundle the holder never sealed: " + hex(bundle.encode())));
        assertEquals(genuine.sealed().orderId(), bundle.orderId());
        assertEquals(genuine.sealed().holderId(), bundle.holderId());
        assertEquals(commitments(genuine.sealed()), commitments(bundle), "a part opened in a bundle with other parts");
        assertEquals(genuine.sealed().partFor(recipient.id()), bundle.partFor(recipient.id()));
        Part sealed = genuine.parts().stream().filter(p -> p.recipient().equals(recipient.id())).findFirst().orElseThrow();
        assertEquals(sealed.fields(), opened.part().fields());
    }

    private static List<String> commitments(Sealed bundle) {
        return bundle.parts().stream().map(p -> p.role() + " " + p.recipient() + " " + p.commitment()).toList();
    }

    @Test
    void everySingleByteChangeOfABundleStopsAPartFromOpening() {
        assertEveryByteFlipRefused(ORDER.encode(), encoded -> {
            Sealed bundle = Sealed.decode(encoded);
            for (Recipient recipient : RECIPIENTS) {
                SplitOrder.open(bundle, recipient.id(), recipient.keys(), recipient.type());
            }
            return true;
        });
    }

    static Stream<byte[]> partFields() {
        return PARTS.stream().map(part -> fieldsInput(part.role(), part.fields()));
    }

    /**
     * The holder seals a part with fields of the fuzzer's choosing (input: a role byte, then
     * {@code name=value} lines); its recipient reads it as its typed part or refuses with
     * {@code order.*}, and what it reads writes back as the sealed fields (the amount in its
     * canonical writing).
     */
    @MethodSource("partFields")
    @FuzzTest(maxDuration = "5s")
    void readsAnySealedFieldsAsTheTypedPartOrRefusesThem(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Recipient recipient = RECIPIENTS.get((input[0] & 0xFF) % RECIPIENTS.size());
        Map<String, String> fields = new TreeMap<>();
        for (String line : new String(input, 1, input.length - 1, StandardCharsets.UTF_8).split("\n", -1)) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        decodedOrRefused(() -> SplitOrder.seal(SplitOrder.Form.standard(), "order-0001", HOLDER_KEYS,
                List.of(Part.of(recipient.role(), recipient.id(), fields)))).ifPresent(bundle ->
                decodedOrRefused(() -> SplitOrder.open(bundle, recipient.id(), recipient.keys(), recipient.type())).ifPresent(opened ->
                        assertEquals(writtenBack(fields), opened.part().fields(),
                                () -> "the " + recipient.role() + " part reads as other fields than were sealed")));
    }

    /**
     * The fields as a part writes them back: as sealed, but the amount, which is read with
     * {@link Money#parse} (so {@code "EUR 52.90"} reads), in the writing of {@link Money#toString}.
     */
    private static Map<String, String> writtenBack(Map<String, String> sealed) {
        Map<String, String> fields = new TreeMap<>(sealed);
        fields.computeIfPresent(SplitOrder.AMOUNT, (name, amount) -> Money.parse(amount).toString());
        return fields;
    }

    private static byte[] fieldsInput(Role role, Map<String, String> fields) {
        String lines = fields.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
        byte[] text = lines.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[text.length + 1];
        input[0] = (byte) role.ordinal();
        System.arraycopy(text, 0, input, 1, text.length);
        return input;
    }

    static Stream<byte[]> blomShares() {
        return Stream.of(S2Messages.BLOM_SHARE.export(SecretAccess.forSealedStorage()));
    }

    @MethodSource("blomShares")
    @FuzzTest(maxDuration = "5s")
    void restoresBlomSharesThatExportToTheirBytes(byte[] exported) {
        decodedOrRefused(() -> BlomShare.restore(exported)).ifPresent(share ->
                assertArrayEquals(exported, share.export(SecretAccess.forSealedStorage()), () -> "a second encoding of a Blom share: " + hex(exported)));
    }

    @Test
    void theFixtureOrderOpensForEachRecipient() {
        List<Map<String, String>> read = new ArrayList<>();
        for (Recipient recipient : RECIPIENTS) {
            read.add(SplitOrder.open(Sealed.decode(ORDER.encode()), recipient.id(), recipient.keys(), recipient.type()).part().fields());
        }
        assertEquals(PARTS.stream().map(Part::fields).toList(), read);
    }
}
