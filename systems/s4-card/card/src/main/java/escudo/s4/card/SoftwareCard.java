package escudo.s4.card;

import static escudo.s4.protocol.CardCommands.*;

import escudo.cardos.Application;
import escudo.cardos.ApplicationId;
import escudo.cardos.CardOs;
import escudo.cardos.CardOsException;
import escudo.cardos.Operation;
import escudo.core.EscudoException;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.P256;
import escudo.s4.protocol.SecureChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.KeyAgreement;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The software secure element of S4 (seed 004, claims 1-12): the multi-application card OS as
 * docs/s4-card.md specifies it, answering APDUs. Its persistent state is one record of its
 * application on the card OS ({@code platform/card-os}), sealed at rest, with the holder's PIN the
 * card OS keeps (its try counter written before the comparison); what a real card keeps in RAM
 * (the PIN verified since the selection, the open session) lives in this object and is gone when
 * it is selected again or closed. Every command either commits its whole next state or changes
 * nothing, and answers a status word; nothing it is sent throws.
 */
public final class SoftwareCard implements CardLink {

    public static final String APPLICATION = "escudo.s4";
    private static final ApplicationId ID = new ApplicationId(APPLICATION);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Application application;
    private boolean selected;
    private boolean pinVerified;
    /** The session INITIALIZE UPDATE began, until EXTERNAL AUTHENTICATE completes it. */
    private Session pending;
    private Session session;

    /** A session with one domain: the issuer's, or a provider's. */
    private record Session(String domain, SecureChannel channel) {
    }

    private SoftwareCard(CardOs os) {
        this.application = os.application(ID);
    }

    /**
     * Personalisation at the issuer: a new card in {@code directory} with its serial, the issuer's
     * domain ({@code issuerId}, its static AES-128 {@code issuerKey}), the holder's {@code name} and
     * chosen {@code pin}, and no provider yet.
     */
    public static SoftwareCard issue(Path directory, String issuerId, byte[] issuerKey, String holder, String pin) {
        CardState first = personalisation(issuerId, issuerKey, holder);
        CardOs os = CardOs.create(directory, ID, first.encode());
        try (Operation operation = os.application(ID).begin()) {
            operation.choosePin(pin);
            operation.commit(first.encode());
        }
        return new SoftwareCard(os);
    }

    /**
     * Personalisation of a card that already carries other applications, such as S3's cash card:
     * the S4 card OS joins them on the same platform card OS, as an EMV card carries a second
     * application beside the first, under the card's one PIN. A card with a PIN has the holder
     * present it here (a wrong one spends a try); a card without one has the holder choose it.
     *
     * @throws EscudoException {@code card.already-exists} if the card carries S4 already, or the
     *                         card OS's PIN errors ({@code card.wrong-pin}, {@code card.locked})
     */
    public static SoftwareCard install(CardOs os, String issuerId, byte[] issuerKey, String holder, String pin) {
        CardState first = personalisation(issuerId, issuerKey, holder);
        Application application = os.application(ID);
        if (application.record().isPresent()) {
            throw new EscudoException(CardOsException.ALREADY_EXISTS, "the card carries the S4 application already");
        }
        try (Operation operation = application.begin()) {
            if (os.holder().pinChosen()) {
                operation.verifyHolder(pin);
            } else {
                operation.choosePin(pin);
            }
            operation.commit(first.encode());
        }
        return new SoftwareCard(os);
    }

    public static SoftwareCard open(Path directory) {
        return open(CardOs.open(directory));
    }

    /**
     * The S4 application of a card whose card OS this process has open already (it also runs S3's
     * application, say): one {@link CardOs} per card and process, so no application writes over
     * what another committed.
     *
     * @throws EscudoException {@code card.not-found} if the card does not carry the S4 application
     */
    public static SoftwareCard open(CardOs os) {
        if (os.application(ID).record().isEmpty()) {
            throw new EscudoException(CardOsException.NOT_FOUND, "the card does not carry the S4 application");
        }
        return new SoftwareCard(os);
    }

    private static CardState personalisation(String issuerId, byte[] issuerKey, String holder) {
        requireId(issuerId);
        if (issuerKey.length != SecureChannel.KEY_LENGTH || holder.getBytes(StandardCharsets.UTF_8).length > MAX_HOLDER_LENGTH) {
            throw new IllegalArgumentException("an AES-128 issuer key and a holder name of at most 48 bytes");
        }
        byte[] serial = new byte[8];
        RANDOM.nextBytes(serial);
        return new CardState(serial, issuerId, issuerKey.clone(), holder, List.of());
    }

    @Override
    public synchronized ResponseAPDU transmit(CommandAPDU command) {
        Objects.requireNonNull(command, "command");
        try {
            return answer(dispatch(command));
        } catch (Refused refused) {
            if (refused.status == CardStatus.BAD_MAC || refused.status == CardStatus.SECURITY_STATUS && command.getCLA() == CLA_SECURE) {
                session = null; // GlobalPlatform: a secure command that fails ends the session
            }
            return new ResponseAPDU(new byte[] {(byte) (refused.sw >> 8), (byte) refused.sw});
        }
    }

    /** The card is taken out of the reader: the RAM state is gone. */
    @Override
    public synchronized void close() {
        selected = false;
        pinVerified = false;
        pending = null;
        session = null;
    }

    private byte[] dispatch(CommandAPDU c) {
        int cla = c.getCLA();
        int ins = c.getINS();
        if (ins == INS_SELECT) {
            requireClass(cla, CLA_ISO);
            return select(c);
        }
        if (!selected) {
            throw new Refused(CardStatus.CONDITIONS_NOT_SATISFIED, "select the card OS first");
        }
        return switch (ins) {
            case INS_GET_DATA -> getData(requireClass(cla, CLA_PROPRIETARY, c));
            case INS_VERIFY -> verify(requireClass(cla, CLA_ISO, c));
            case INS_CHANGE_PIN -> changePin(requireClass(cla, CLA_ISO, c));
            case INS_PUT_DATA -> putHolder(requireClass(cla, CLA_PROPRIETARY, c));
            case INS_INITIALIZE_UPDATE -> initializeUpdate(requireClass(cla, CLA_PROPRIETARY, c));
            case INS_EXTERNAL_AUTHENTICATE -> externalAuthenticate(requireClass(cla, CLA_SECURE, c));
            case INS_CREATE_DOMAIN -> createDomain(secure(c, true, 0x00, 0x00));
            case INS_DELETE_DOMAIN -> deleteDomain(secure(c, true, 0x00, 0x00));
            case INS_RESET_RETRY_COUNTER -> resetRetryCounter(secure(c, true, 0x00, PIN_REFERENCE));
            case INS_CREATE_RECORD -> createRecord(secure(c, false, 0x00, 0x00));
            case INS_SET_ACCESS -> setAccess(secure(c, false, 0x00, 0x00));
            case INS_UPDATE_RECORD -> updateRecord(onRecord(c, CLA_PROPRIETARY, 0x00, 0x00));
            case INS_READ_RECORD -> readRecord(onRecord(c, CLA_ISO, 0x00, 0x00));
            case INS_SIGN -> sign(onRecord(c, CLA_PROPRIETARY, 0x9E, 0x9A));
            case INS_AGREE -> agree(onRecord(c, CLA_PROPRIETARY, 0x00, 0x00));
            default -> throw new Refused(CardStatus.UNKNOWN_INSTRUCTION, "no such instruction");
        };
    }

    private byte[] select(CommandAPDU c) {
        if (c.getP1() != 0x04 || c.getP2() != 0x00) {
            throw new Refused(CardStatus.WRONG_P1P2, "SELECT by AID");
        }
        if (!Arrays.equals(c.getData(), AID)) {
            throw new Refused(CardStatus.NOT_FOUND, "no application of that AID");
        }
        close();
        selected = true;
        return cardData();
    }

    private byte[] cardData() {
        return concat(state().serial(), new byte[] {PROTOCOL_VERSION, SUITE_P256_AES});
    }

    private byte[] getData(CommandAPDU c) {
        requireP1(c, 0);
        CardState state = state();
        return switch (c.getP2()) {
            case DATA_CARD -> noData(c, cardData());
            case DATA_HOLDER -> {
                requirePin();
                yield noData(c, state.holder().getBytes(StandardCharsets.UTF_8));
            }
            case DATA_DOMAINS -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(state.domains().size());
                state.domains().forEach(d -> out.writeBytes(lengthPrefixed(ascii(d.id()))));
                yield noData(c, out.toByteArray());
            }
            case DATA_RECORDS -> {
                Data data = new Data(c.getData());
                CardState.Domain domain = domain(state, data.id());
                data.end();
                List<CardState.Record> readable = domain.records().stream().filter(r -> allowed(r.access().read(), domain.id(), false)).toList();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(readable.size());
                readable.forEach(r -> {
                    out.write(r.id());
                    out.writeBytes(lengthPrefixed(r.name().getBytes(StandardCharsets.UTF_8)));
                });
                yield out.toByteArray();
            }
            default -> throw new Refused(CardStatus.WRONG_P1P2, "no such data object");
        };
    }

    private byte[] verify(CommandAPDU c) {
        requirePinReference(c);
        String pin = pin(c.getData());
        try (Operation operation = application.begin()) {
            operation.verifyHolder(pin);
            pinVerified = true;
        } catch (CardOsException e) {
            pinVerified = false;
            throw refusal(e);
        }
        return new byte[0];
    }

    private byte[] changePin(CommandAPDU c) {
        requirePinReference(c);
        Data data = new Data(c.getData());
        String oldPin = pin(data.lengthPrefixed(MAX_PIN_LENGTH));
        String newPin = pin(data.rest());
        try (Operation operation = application.begin()) {
            operation.verifyHolder(oldPin);
            pinVerified = true;
            operation.changePin(newPin);
            operation.commit(state().encode());
        } catch (CardOsException e) {
            pinVerified = false;
            throw refusal(e);
        }
        return new byte[0];
    }

    private byte[] putHolder(CommandAPDU c) {
        if (c.getP1() != 0 || c.getP2() != DATA_HOLDER) {
            throw new Refused(CardStatus.WRONG_P1P2, "PUT DATA of the holder's data");
        }
        requirePin();
        byte[] name = c.getData();
        if (name.length > MAX_HOLDER_LENGTH) {
            throw new Refused(CardStatus.WRONG_LENGTH, "a holder name has at most 48 bytes");
        }
        commit(state().withHolder(utf8(name)));
        return new byte[0];
    }

    private byte[] initializeUpdate(CommandAPDU c) {
        requireP1P2(c, 0, 0);
        Data data = new Data(c.getData());
        String domain = data.id();
        byte[] hostChallenge = data.bytes(SecureChannel.CHALLENGE_LENGTH);
        data.end();
        CardState state = state();
        byte[] key = domain.equals(state.issuerId()) ? state.issuerKey() : domain(state, domain).key();
        byte[] cardChallenge = new byte[SecureChannel.CHALLENGE_LENGTH];
        RANDOM.nextBytes(cardChallenge);
        SecureChannel channel = SecureChannel.derive(key, hostChallenge, cardChallenge);
        session = null;
        pending = new Session(domain, channel);
        return concat(cardChallenge, channel.cardCryptogram());
    }

    private byte[] externalAuthenticate(CommandAPDU c) {
        requireP1P2(c, 0, 0);
        Session begun = pending;
        pending = null;
        if (begun == null) {
            throw new Refused(CardStatus.CONDITIONS_NOT_SATISFIED, "INITIALIZE UPDATE comes first");
        }
        byte[] data = begun.channel().unwrap(c);
        if (data == null || !begun.channel().isHostCryptogram(data)) {
            throw new Refused(CardStatus.BAD_MAC, "the host cryptogram or the MAC does not verify");
        }
        session = begun;
        return new byte[0];
    }

    private byte[] createDomain(Data data) {
        String id = data.id();
        byte[] encryptedKey = data.bytes(SecureChannel.KEY_LENGTH);
        data.end();
        CardState state = state();
        if (id.equals(state.issuerId()) || state.domain(id).isPresent()) {
            throw new Refused(CardStatus.ALREADY_EXISTS, "a domain of that id is on the card");
        }
        if (state.domains().size() >= MAX_DOMAINS) {
            throw new Refused(CardStatus.NO_ROOM, "the card holds " + MAX_DOMAINS + " domains");
        }
        commit(state.with(new CardState.Domain(id, session.channel().decryptKey(encryptedKey), List.of())));
        return new byte[0];
    }

    private byte[] deleteDomain(Data data) {
        String id = data.id();
        data.end();
        CardState state = state();
        domain(state, id);
        commit(state.without(id));
        return new byte[0];
    }

    private byte[] resetRetryCounter(Data data) {
        String pin = pin(data.rest());
        try (Operation operation = application.begin()) {
            operation.unblockPin(pin);
            operation.commit(state().encode());
        } catch (CardOsException e) {
            throw refusal(e);
        }
        return new byte[0];
    }

    private byte[] createRecord(Data data) {
        int recordId = data.u8();
        KeyType keyType = data.parse(KeyType::of);
        Instrument instrument = data.parse(Instrument::of);
        Access access = data.access();
        String name = utf8(data.lengthPrefixed(MAX_NAME_LENGTH));
        byte[] account = data.lengthPrefixed(MAX_ACCOUNT_LENGTH);
        data.end();
        if (recordId == 0) {
            throw new Refused(CardStatus.WRONG_DATA, "record ids are 1 to 255");
        }
        CardState state = state();
        CardState.Domain domain = domain(state, session.domain());
        if (domain.record(recordId).isPresent()) {
            throw new Refused(CardStatus.ALREADY_EXISTS, "the domain has a record of that id");
        }
        if (domain.records().size() >= MAX_RECORDS) {
            throw new Refused(CardStatus.NO_ROOM, "a domain holds " + MAX_RECORDS + " records");
        }
        KeyPair pair = newKeyPair();
        byte[] point = P256.encode((ECPublicKey) pair.getPublic());
        commit(state.with(domain.with(new CardState.Record(recordId, keyType, instrument, access, name, account, pair.getPrivate().getEncoded(), point))));
        return point;
    }

    private byte[] setAccess(Data data) {
        int recordId = data.u8();
        Access access = data.access();
        data.end();
        CardState state = state();
        CardState.Domain domain = domain(state, session.domain());
        commit(state.with(domain.with(record(domain, recordId).withAccess(access))));
        return new byte[0];
    }

    private byte[] updateRecord(OnRecord command) {
        Data data = command.data();
        int recordId = data.u8();
        byte[] account = data.rest();
        if (account.length > MAX_ACCOUNT_LENGTH) {
            throw new Refused(CardStatus.WRONG_LENGTH, "account information has at most 64 bytes");
        }
        CardState state = state();
        CardState.Domain domain = domainOf(state, command);
        CardState.Record record = record(domain, recordId);
        require(record.access().update(), command);
        commit(state.with(domain.with(record.withAccount(account))));
        return new byte[0];
    }

    private byte[] readRecord(OnRecord command) {
        Data data = command.data();
        CardState.Domain domain = domainOf(state(), command);
        CardState.Record record = record(domain, data.u8());
        data.end();
        require(record.access().read(), command);
        return concat(new byte[] {(byte) record.id(), record.keyType().code(), record.instrument().code(), record.access().read().code(),
                record.access().use().code(), record.access().update().code()}, lengthPrefixed(record.name().getBytes(StandardCharsets.UTF_8)),
                lengthPrefixed(record.account()), record.point());
    }

    private byte[] sign(OnRecord command) {
        Data data = command.data();
        CardState.Record record = record(domainOf(state(), command), data.u8());
        byte[] hash = data.bytes(HASH_LENGTH);
        data.end();
        use(record, KeyType.SIGNING, command);
        try {
            Signature ecdsa = Signature.getInstance("NONEwithECDSA");
            ecdsa.initSign(privateKey(record));
            ecdsa.update(hash);
            return ecdsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is in every JDK", e);
        }
    }

    private byte[] agree(OnRecord command) {
        Data data = command.data();
        CardState.Record record = record(domainOf(state(), command), data.u8());
        byte[] point = data.bytes(POINT_LENGTH);
        data.end();
        use(record, KeyType.AGREEMENT, command);
        ECPublicKey peer;
        try {
            peer = P256.decode(point);
        } catch (IllegalArgumentException e) {
            throw new Refused(CardStatus.WRONG_DATA, "the peer's point is not on P-256");
        }
        try {
            KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
            ecdh.init(privateKey(record));
            ecdh.doPhase(peer, true);
            return ecdh.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new Refused(CardStatus.WRONG_DATA, "no agreement with that point");
        }
    }

    private void use(CardState.Record record, KeyType needed, OnRecord command) {
        if (record.keyType() != needed) {
            throw new Refused(CardStatus.CONDITIONS_NOT_SATISFIED, "the record's key is for " + record.keyType());
        }
        require(record.access().use(), command);
    }

    /**
     * The data of a secure command of the session once its C-MAC verifies and its P1 P2 are
     * {@code p1 p2}; {@code issuer}: only the issuer's session will do, else only a provider's.
     */
    private Data secure(CommandAPDU c, boolean issuer, int p1, int p2) {
        requireClass(c.getCLA(), CLA_SECURE);
        if (session == null) {
            throw new Refused(CardStatus.SECURITY_STATUS, "no session: authenticate first");
        }
        byte[] data = session.channel().unwrap(c);
        if (data == null) {
            throw new Refused(CardStatus.BAD_MAC, "the C-MAC does not verify");
        }
        requireP1P2(c, p1, p2);
        boolean issuers = session.domain().equals(state().issuerId());
        if (issuer != issuers) {
            throw new Refused(CardStatus.SECURITY_STATUS, issuer ? "only the issuer's session" : "only a provider's session");
        }
        return new Data(data);
    }

    /** A command on one record, plain ({@code plainClass}) or under its provider's session (CLA 84), and the domain it names. */
    private record OnRecord(Data data, String domain, boolean secure) {
    }

    private OnRecord onRecord(CommandAPDU c, int plainClass, int p1, int p2) {
        if (c.getCLA() != CLA_SECURE) {
            requireClass(c.getCLA(), plainClass);
            requireP1P2(c, p1, p2);
            Data data = new Data(c.getData());
            return new OnRecord(data, data.id(), false);
        }
        Data data = secure(c, false, p1, p2);
        return new OnRecord(data, data.id(), true);
    }

    /** The domain a command on a record names; under a session, it must be the session's own (checked once it is known to exist). */
    private CardState.Domain domainOf(CardState state, OnRecord command) {
        CardState.Domain domain = domain(state, command.domain());
        if (command.secure() && !session.domain().equals(domain.id())) {
            throw new Refused(CardStatus.SECURITY_STATUS, "a provider's session addresses its own domain only");
        }
        return domain;
    }

    /**
     * Whether {@code condition} holds for a command on a record of {@code domain}: PROVIDER only for
     * a secure command of that domain's session, so a command slipped in unMACed while a provider's
     * session is open meets nothing of the provider's.
     */
    private boolean allowed(Condition condition, String domain, boolean secure) {
        return switch (condition) {
            case ALWAYS -> true;
            case PIN -> pinVerified;
            case PROVIDER -> secure && session != null && session.domain().equals(domain);
            case NEVER -> false;
        };
    }

    private void require(Condition condition, OnRecord command) {
        if (condition == Condition.NEVER) {
            throw new Refused(CardStatus.CONDITIONS_NOT_SATISFIED, "the record's access condition is NEVER");
        }
        if (!allowed(condition, command.domain(), command.secure())) {
            throw new Refused(CardStatus.SECURITY_STATUS, condition == Condition.PIN ? "the holder's PIN first" : "its provider's secure command");
        }
    }

    private void requirePin() {
        if (!pinVerified) {
            throw new Refused(CardStatus.SECURITY_STATUS, "the holder's PIN first");
        }
    }

    private CardState state() {
        return CardState.decode(application.record().orElseThrow());
    }

    private void commit(CardState next) {
        try (Operation operation = application.begin()) {
            operation.commit(next.encode());
        }
    }

    private static CardState.Domain domain(CardState state, String id) {
        return state.domain(id).orElseThrow(() -> new Refused(CardStatus.NOT_FOUND, "no such domain"));
    }

    private static CardState.Record record(CardState.Domain domain, int recordId) {
        return domain.record(recordId).orElseThrow(() -> new Refused(CardStatus.NOT_FOUND, "no such record"));
    }

    /** The card OS's refusal as a status word: a wrong PIN says how many tries are left ({@code 63Cx}). */
    private Refused refusal(CardOsException e) {
        if (e.code() == CardOsException.WRONG_PIN) {
            return new Refused(CardStatus.WRONG_PIN.sw() | application.holder().pinTriesLeft(), CardStatus.WRONG_PIN, "wrong PIN");
        }
        if (e.code() == CardOsException.LOCKED) {
            return new Refused(CardStatus.PIN_BLOCKED, "the PIN is blocked");
        }
        if (e.code() == CardOsException.BAD_PIN_FORMAT) {
            return new Refused(CardStatus.WRONG_DATA, "a PIN has 4 to 12 digits");
        }
        throw e;
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(P256.CURVE, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is in every JDK", e);
        }
    }

    private static PrivateKey privateKey(CardState.Record record) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(record.privateKey()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a key on the card does not decode", e);
        }
    }

    private static ResponseAPDU answer(byte[] data) {
        byte[] response = Arrays.copyOf(data, data.length + 2);
        response[data.length] = (byte) 0x90;
        return new ResponseAPDU(response);
    }

    private static String pin(byte[] digits) {
        if (digits.length < MIN_PIN_LENGTH || digits.length > MAX_PIN_LENGTH) {
            throw new Refused(CardStatus.WRONG_DATA, "a PIN has 4 to 12 digits");
        }
        for (byte b : digits) {
            if (b < '0' || b > '9') {
                throw new Refused(CardStatus.WRONG_DATA, "a PIN has 4 to 12 digits");
            }
        }
        return new String(digits, StandardCharsets.US_ASCII);
    }

    private static void requireId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9-]{1,16}")) {
            throw new IllegalArgumentException("a domain id is 1 to 16 letters, digits and dashes");
        }
    }

    private static CommandAPDU requireClass(int cla, int expected, CommandAPDU c) {
        requireClass(cla, expected);
        return c;
    }

    private static void requireClass(int cla, int expected) {
        if (cla != expected) {
            throw new Refused(CardStatus.UNKNOWN_CLASS, "not this instruction's class");
        }
    }

    private static void requirePinReference(CommandAPDU c) {
        requireP1P2(c, 0, PIN_REFERENCE);
    }

    private static void requireP1(CommandAPDU c, int p1) {
        if (c.getP1() != p1) {
            throw new Refused(CardStatus.WRONG_P1P2, "wrong P1");
        }
    }

    private static void requireP1P2(CommandAPDU c, int p1, int p2) {
        if (c.getP1() != p1 || c.getP2() != p2) {
            throw new Refused(CardStatus.WRONG_P1P2, "wrong P1 or P2");
        }
    }

    private static byte[] noData(CommandAPDU c, byte[] answer) {
        if (c.getNc() != 0) {
            throw new Refused(CardStatus.WRONG_LENGTH, "this GET DATA takes no data");
        }
        return answer;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Refused(CardStatus.WRONG_DATA, "text is UTF-8");
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] lengthPrefixed(byte[] bytes) {
        return concat(new byte[] {(byte) bytes.length}, bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A command's data, read field by field: what does not parse is {@code 6A80}, what is short or left over {@code 6700}. */
    private static final class Data {
        private final byte[] bytes;
        private int at;

        Data(byte[] bytes) {
            this.bytes = bytes;
        }

        int u8() {
            if (at >= bytes.length) {
                throw new Refused(CardStatus.WRONG_LENGTH, "the data ends early");
            }
            return bytes[at++] & 0xFF;
        }

        byte[] bytes(int length) {
            if (bytes.length - at < length) {
                throw new Refused(CardStatus.WRONG_LENGTH, "the data ends early");
            }
            byte[] out = Arrays.copyOfRange(bytes, at, at + length);
            at += length;
            return out;
        }

        byte[] lengthPrefixed(int max) {
            int length = u8();
            if (length > max) {
                throw new Refused(CardStatus.WRONG_DATA, "a field longer than it may be");
            }
            return bytes(length);
        }

        String id() {
            byte[] id = lengthPrefixed(MAX_ID_LENGTH);
            String text = new String(id, StandardCharsets.US_ASCII);
            if (!text.matches("[A-Za-z0-9-]{1,16}")) {
                throw new Refused(CardStatus.WRONG_DATA, "a domain id is 1 to 16 letters, digits and dashes");
            }
            return text;
        }

        <T> T parse(java.util.function.IntFunction<T> of) {
            try {
                return of.apply(u8());
            } catch (IllegalArgumentException e) {
                throw new Refused(CardStatus.WRONG_DATA, e.getMessage());
            }
        }

        Access access() {
            return new Access(parse(Condition::of), parse(Condition::of), parse(Condition::of));
        }

        byte[] rest() {
            return bytes(bytes.length - at);
        }

        void end() {
            if (at != bytes.length) {
                throw new Refused(CardStatus.WRONG_LENGTH, "data left after the last field");
            }
        }
    }

    /** A refusal with its status word: the command changed nothing. */
    private static final class Refused extends RuntimeException {
        final int sw;
        final CardStatus status;

        Refused(CardStatus status, String why) {
            this(status.sw(), status, why);
        }

        Refused(int sw, CardStatus status, String why) {
            super(why, null, false, false);
            this.sw = sw;
            this.status = status;
        }
    }
}
