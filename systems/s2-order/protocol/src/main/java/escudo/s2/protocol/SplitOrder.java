package escudo.s2.protocol;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import escudo.crypto.Digest;
import escudo.crypto.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * S2 (seed 002, Figs. 1-3): the card holder splits the order into one part per party, seals each
 * under the key it shares with that party alone ({@link PairwiseKeys}), and binds the parts to
 * the order and to each other. The encodings are in docs/split-order.md.
 *
 * <p>Sealing: for each part r the holder draws a 32-byte salt, encodes the plaintext
 * (header + salt + fields), and commits c_r = SHA-256(canonical(commit tag, orderId, recipient,
 * salt, plaintext)). The digest is SHA-256(canonical(digest tag, orderId, holderId, then each
 * (recipient, role, c_r) in bundle order)). Each part is sealed (AES-256-GCM) with the
 * holder↔recipient key and associated data canonical(ad tag, orderId, holderId, recipient, role,
 * digest). Opening checks, in order: the recipient, the digest against the listed commitments,
 * the AEAD, the header inside the plaintext, and the commitment. So a part cannot be moved into
 * another order, re-addressed, or combined with parts of another bundle.
 *
 * <p>Replay of a whole bundle is for the receiving party's storage to refuse (one order id per
 * holder, see {@link SeenOrders}).
 */
public final class SplitOrder {

    /** The parties other than the card holder, each receiving one part. */
    public enum Role { SELLER, ISSUER, COURIER }

    public static final String CONTACT = "contact";
    public static final String ITEMS = "items";
    public static final String AMOUNT = "amount";
    public static final String PAYMENT_TYPE = "payment-type";
    public static final String CARD_NUMBER = "card-number";
    public static final String EXPIRY = "expiry";
    public static final String DESTINATION = "destination";

    /** The purpose under which the holder↔party key seals order parts. */
    static final String KEY_PURPOSE = "s2/order-part/v1";
    static final String PART_TAG = "escudo/s2/part/v1";
    static final String COMMIT_TAG = "escudo/s2/part-commitment/v1";
    static final String DIGEST_TAG = "escudo/s2/order-digest/v1";
    static final String AD_TAG = "escudo/s2/part-ad/v1";
    static final String BUNDLE_TAG = "escudo/s2/sealed-order/v1";
    static final int SALT_LENGTH = 32;
    static final int HASH_LENGTH = 32;
    private static final int MAX_PARTS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Field names ordered by their UTF-8 bytes, the order of the canonical encoding. */
    static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SplitOrder() {
    }

    /**
     * The order form: which fields each party may receive. Whatever else the form says, the card
     * number and expiry may go to the ISSUER only and the delivery destination to the COURIER
     * only (S2: seller and courier never learn the card number; seller and issuer never learn the
     * destination); a form that says otherwise is {@code order.malformed}.
     */
    public record Form(Map<Role, SortedSet<String>> fields) {
        public Form {
            Map<Role, SortedSet<String>> copy = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                SortedSet<String> names = new TreeSet<>(UTF8_ORDER);
                names.addAll(fields.getOrDefault(role, Collections.emptySortedSet()));
                for (String name : names) {
                    checkText(name, "field name");
                }
                copy.put(role, Collections.unmodifiableSortedSet(names));
            }
            exclusive(copy, CARD_NUMBER, Role.ISSUER);
            exclusive(copy, EXPIRY, Role.ISSUER);
            exclusive(copy, DESTINATION, Role.COURIER);
            fields = Collections.unmodifiableMap(copy);
        }

        /** Seed 002, Fig. 2: seller (contact, items, amount, payment type), issuer (card number,
         * expiry, contact, amount, payment type), courier (contact, destination). */
        public static Form standard() {
            Map<Role, SortedSet<String>> fields = new EnumMap<>(Role.class);
            fields.put(Role.SELLER, set(CONTACT, ITEMS, AMOUNT, PAYMENT_TYPE));
            fields.put(Role.ISSUER, set(CARD_NUMBER, EXPIRY, CONTACT, AMOUNT, PAYMENT_TYPE));
            fields.put(Role.COURIER, set(CONTACT, DESTINATION));
            return new Form(fields);
        }

        public SortedSet<String> fieldsOf(Role role) {
            return fields.get(role);
        }

        private static SortedSet<String> set(String... names) {
            SortedSet<String> set = new TreeSet<>(UTF8_ORDER);
            set.addAll(List.of(names));
            return set;
        }

        private static void exclusive(Map<Role, SortedSet<String>> fields, String name, Role only) {
            for (Role role : Role.values()) {
                if (role != only && fields.get(role).contains(name)) {
                    throw OrderException.malformed("the form may give '" + name + "' to the " + only + " only");
                }
            }
        }
    }

    /** One part in the clear: the role and identifier of its recipient and its fields. */
    public record Part(Role role, String recipient, SortedMap<String, String> fields) {
        public Part {
            Objects.requireNonNull(role, "role");
            PairKeyDerivation.checkId(recipient);
            SortedMap<String, String> copy = new TreeMap<>(UTF8_ORDER);
            fields.forEach((name, value) -> copy.put(checkText(name, "field name"), checkText(value, "field value")));
            fields = Collections.unmodifiableSortedMap(copy);
        }

        public static Part of(Role role, String recipient, Map<String, String> fields) {
            SortedMap<String, String> sorted = new TreeMap<>(UTF8_ORDER);
            sorted.putAll(fields);
            return new Part(role, recipient, sorted);
        }
    }

    /** One sealed part as it travels: recipient and role in the clear, the commitment, the AEAD blob. */
    public record SealedPart(Role role, String recipient, Bytes commitment, Bytes ciphertext) {
        public SealedPart {
            Objects.requireNonNull(role, "role");
            PairKeyDerivation.checkId(recipient);
            if (commitment == null || commitment.length() != HASH_LENGTH || ciphertext == null) {
                throw OrderException.malformed("a sealed part has a 32-byte commitment and a ciphertext");
            }
        }
    }

    /** The bundle the holder sends to the seller: order id and holder id in the clear, the parts, the digest. */
    public record Sealed(String orderId, String holderId, List<SealedPart> parts, Bytes digest) {
        public Sealed {
            checkText(orderId, "order id");
            PairKeyDerivation.checkId(holderId);
            parts = List.copyOf(parts);
            if (parts.isEmpty() || parts.size() > MAX_PARTS) {
                throw OrderException.malformed("a sealed order has 1 to " + MAX_PARTS + " parts");
            }
            if (digest == null || digest.length() != HASH_LENGTH) {
                throw OrderException.malformed("a sealed order has a 32-byte digest");
            }
        }

        /** The part addressed to {@code recipient}, or {@code order.wrong-recipient}. */
        public SealedPart partFor(String recipient) {
            return parts.stream().filter(p -> p.recipient().equals(recipient)).findFirst()
                    .orElseThrow(() -> OrderException.wrongRecipient("order " + orderId + " holds no part for " + recipient));
        }

        /**
         * The wire form: canonical("escudo/s2/sealed-order/v1", orderId, holderId, u32 n, n ×
         * (role, recipient, commitment, ciphertext), digest).
         */
        public byte[] encode() {
            CanonicalWriter writer = CanonicalWriter.domain(BUNDLE_TAG).string(orderId).string(holderId).u32(parts.size());
            for (SealedPart part : parts) {
                writer.string(part.role().name()).string(part.recipient()).bytes(part.commitment).bytes(part.ciphertext);
            }
            return writer.bytes(digest).toByteArray();
        }

        /** Reads what {@link #encode} wrote; anything else is {@code order.malformed}. */
        public static Sealed decode(byte[] encoded) {
            try {
                CanonicalReader reader = CanonicalReader.expect(encoded, BUNDLE_TAG);
                String orderId = reader.string();
                String holderId = reader.string();
                long count = reader.u32();
                if (count < 1 || count > MAX_PARTS) {
                    throw OrderException.malformed("a sealed order has 1 to " + MAX_PARTS + " parts");
                }
                List<SealedPart> parts = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    parts.add(new SealedPart(role(reader.string()), reader.string(), Bytes.of(reader.bytes()),
                            Bytes.of(reader.bytes())));
                }
                Bytes digest = Bytes.of(reader.bytes());
                reader.end();
                return new Sealed(orderId, holderId, parts, digest);
            } catch (CryptoException e) {
                throw OrderException.malformed("not a sealed order: " + e.getMessage());
            }
        }
    }

    /** What a party reads from its own part, after every check passed: the part of its role, typed. */
    public record Opened<P extends OrderPart>(String orderId, String holderId, String recipient, P part) {
        public Opened {
            Objects.requireNonNull(orderId, "orderId");
            Objects.requireNonNull(holderId, "holderId");
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(part, "part");
        }

        public Role role() {
            return part.role();
        }
    }

    /**
     * Seals an order: one part per role, distinct recipients, none of them the holder, each field
     * allowed by {@code form} for the part's role (else {@code order.field-not-allowed}).
     */
    public static Sealed seal(Form form, String orderId, PairwiseKeys holder, List<Part> parts) {
        Objects.requireNonNull(form, "form");
        checkText(orderId, "order id");
        String holderId = holder.myId();
        if (parts.isEmpty() || parts.size() > MAX_PARTS) {
            throw OrderException.malformed("an order has 1 to " + MAX_PARTS + " parts");
        }
        Set<Role> roles = new HashSet<>();
        Set<String> recipients = new HashSet<>();
        for (Part part : parts) {
            if (!roles.add(part.role())) {
                throw OrderException.malformed("two parts for the " + part.role());
            }
            if (!recipients.add(part.recipient()) || part.recipient().equals(holderId)) {
                throw OrderException.malformed("each part needs its own recipient, other than the holder");
            }
            for (String field : part.fields().keySet()) {
                if (!form.fieldsOf(part.role()).contains(field)) {
                    throw OrderException.fieldNotAllowed(field, part.role());
                }
            }
        }
        // Keys first, so an unknown party is refused before anything is computed.
        List<SecretBox> keys = parts.stream().map(p -> holder.pairKey(p.recipient(), KEY_PURPOSE)).toList();
        List<byte[]> plaintexts = new ArrayList<>();
        List<Bytes> commitments = new ArrayList<>();
        for (Part part : parts) {
            byte[] salt = new byte[SALT_LENGTH];
            RANDOM.nextBytes(salt);
            CanonicalWriter writer = CanonicalWriter.domain(PART_TAG).string(orderId).string(holderId)
                    .string(part.recipient()).string(part.role().name()).bytes(salt).u32(part.fields().size());
            part.fields().forEach((name, value) -> writer.string(name).string(value));
            byte[] plaintext = writer.toByteArray();
            plaintexts.add(plaintext);
            commitments.add(Bytes.of(commitment(orderId, part.recipient(), salt, plaintext)));
        }
        List<SealedPart> unsealed = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            unsealed.add(new SealedPart(parts.get(i).role(), parts.get(i).recipient(), commitments.get(i), Bytes.EMPTY));
        }
        Bytes digest = digest(orderId, holderId, unsealed);
        List<SealedPart> sealed = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            byte[] ad = associatedData(orderId, holderId, part.recipient(), part.role(), digest);
            sealed.add(new SealedPart(part.role(), part.recipient(), commitments.get(i),
                    Bytes.of(keys.get(i).seal(plaintexts.get(i), ad))));
            Arrays.fill(plaintexts.get(i), (byte) 0);
        }
        return new Sealed(orderId, holderId, sealed, digest);
    }

    /**
     * Opens the part of {@code bundle} addressed to {@code myId} with {@code keys} (which must be
     * {@code myId}'s), if it is a part of the role of {@code type}, and reads it as that type.
     * Refusals: {@code order.wrong-recipient} (no part for me, a part of another role, which is
     * not opened at all, or keys of another party), {@code order.binding-mismatch} (digest, header
     * or commitment disagree with the bundle), {@code order.part-tampered} (AEAD fails),
     * {@code order.unknown-party} (holder not in the directory), {@code order.malformed} (also a
     * field that does not read, see {@link OrderPart}), {@code order.field-not-allowed} (a field
     * the role does not have).
     */
    public static <P extends OrderPart> Opened<P> open(Sealed bundle, String myId, PairwiseKeys keys, Class<P> type) {
        Role expected = PartFields.roleOf(type);
        if (!keys.myId().equals(myId)) {
            throw OrderException.wrongRecipient("these keys belong to " + keys.myId() + ", not to " + myId);
        }
        SealedPart part = bundle.partFor(myId);
        if (part.role() != expected) {
            throw OrderException.wrongRecipient("order " + bundle.orderId() + " addresses no " + expected + " part to " + myId);
        }
        Bytes digest = digest(bundle.orderId(), bundle.holderId(), bundle.parts());
        if (!digest.equals(bundle.digest)) {
            throw OrderException.bindingMismatch("the digest of order " + bundle.orderId() + " does not match its parts");
        }
        SecretBox key = keys.pairKey(bundle.holderId(), KEY_PURPOSE);
        byte[] ad = associatedData(bundle.orderId(), bundle.holderId(), myId, part.role(), digest);
        byte[] plaintext;
        try {
            plaintext = key.open(part.ciphertext.toByteArray(), ad, "order part");
        } catch (CryptoException e) {
            throw OrderException.partTampered(myId);
        }
        try {
            CanonicalReader reader = CanonicalReader.expect(plaintext, PART_TAG);
            String orderId = reader.string();
            String holderId = reader.string();
            String recipient = reader.string();
            Role role = role(reader.string());
            if (!orderId.equals(bundle.orderId()) || !holderId.equals(bundle.holderId())
                    || !recipient.equals(myId) || role != part.role()) {
                throw OrderException.bindingMismatch("the part's header does not match order " + bundle.orderId());
            }
            byte[] salt = reader.bytes();
            if (salt.length != SALT_LENGTH) {
                throw OrderException.malformed("the part's salt has 32 bytes");
            }
            long count = reader.u32();
            SortedMap<String, String> fields = new TreeMap<>(UTF8_ORDER);
            String previous = null;
            for (long i = 0; i < count; i++) {
                String name = reader.string();
                if (previous != null && UTF8_ORDER.compare(previous, name) >= 0) {
                    throw OrderException.malformed("the part's fields are not in canonical order");
                }
                fields.put(name, reader.string());
                previous = name;
            }
            reader.end();
            if (!Bytes.of(commitment(orderId, recipient, salt, plaintext)).equals(part.commitment)) {
                throw OrderException.bindingMismatch("the part does not match its commitment in order " + orderId);
            }
            return new Opened<>(orderId, holderId, recipient, type.cast(PartFields.read(role, fields)));
        } catch (CryptoException e) {
            throw OrderException.malformed("the part's plaintext is malformed: " + e.getMessage());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    static byte[] commitment(String orderId, String recipient, byte[] salt, byte[] plaintext) {
        return Digest.sha256(CanonicalWriter.domain(COMMIT_TAG).string(orderId).string(recipient).bytes(salt).bytes(plaintext).toByteArray());
    }

    static Bytes digest(String orderId, String holderId, List<SealedPart> parts) {
        CanonicalWriter writer = CanonicalWriter.domain(DIGEST_TAG).string(orderId).string(holderId).u32(parts.size());
        for (SealedPart part : parts) {
            writer.string(part.recipient()).string(part.role().name()).bytes(part.commitment);
        }
        return Bytes.of(Digest.sha256(writer.toByteArray()));
    }

    static byte[] associatedData(String orderId, String holderId, String recipient, Role role, Bytes digest) {
        return CanonicalWriter.domain(AD_TAG).string(orderId).string(holderId).string(recipient).string(role.name())
                .bytes(digest).toByteArray();
    }

    private static Role role(String name) {
        for (Role role : Role.values()) {
            if (role.name().equals(name)) {
                return role;
            }
        }
        throw OrderException.malformed("unknown role " + name);
    }

    private static String checkText(String text, String what) {
        if (text == null || text.isEmpty()) {
            throw OrderException.malformed("the " + what + " must not be empty");
        }
        try {
            CanonicalWriter.domain(text);
        } catch (CryptoException e) {
            throw OrderException.malformed("the " + what + " is not valid Unicode");
        }
        return text;
    }

}
