package escudo.s4.applet;

import javacard.framework.APDU;
import javacard.framework.Applet;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.OwnerPIN;
import javacard.framework.Util;
import javacard.security.AESKey;
import javacard.security.ECKey;
import javacard.security.ECPrivateKey;
import javacard.security.ECPublicKey;
import javacard.security.KeyAgreement;
import javacard.security.KeyBuilder;
import javacard.security.KeyPair;
import javacard.security.RandomData;
import javacard.security.Signature;
import javacardx.apdu.ExtendedLength;
import javacardx.crypto.Cipher;

/**
 * The S4 card OS (seed 004, claims 1-12) as a Java Card 3.0.5 applet: the APDUs of docs/s4-card.md,
 * answered byte for byte as the software secure element ({@code escudo.s4.card.SoftwareCard})
 * answers them, every check in the same order, so one terminal and one test suite serve both.
 *
 * <p>Written in the Java Card subset: byte and short arithmetic, no strings, no collections. The
 * persistent state lives in fields allocated at install; what a card keeps in RAM (selected, the
 * PIN verified since, the session and its keys) in CLEAR_ON_RESET transient memory. Not
 * CLEAR_ON_DESELECT: the card OS is the card's only (default selected) applet and a SELECT it
 * refuses must leave the session as it was, so the applet itself ends what a SELECT ends.
 *
 * <p>Extended-length APDUs are taken too (ExtendedLength), since SoftwareCard parses them as any
 * other: an oversized field is refused by its command's own checks, in their order.
 *
 * <p>Every refused command changes nothing persistent: each command makes all its checks before
 * its first write, and writes several fields inside one transaction. A new key is set in a free
 * slot before the transaction that makes the slot visible.
 *
 * <p>Install data (GlobalPlatform's install parameters): {@code Li ‖ instance AID ‖ Lc ‖ control
 * info ‖ La ‖ application data}, the application data being the personalisation:
 * {@code issuer id (u8 length ‖ ASCII) ‖ issuer static key (16) ‖ holder name (u8 length ‖ UTF-8)
 * ‖ PIN (u8 length ‖ ASCII digits)}. The serial is drawn on the card.
 */
public final class CardOsApplet extends Applet implements ExtendedLength {

    // Classes and instructions (docs/s4-card.md, "The commands").
    private static final byte CLA_ISO = (byte) 0x00;
    private static final byte CLA_PROPRIETARY = (byte) 0x80;
    private static final byte CLA_SECURE = (byte) 0x84;
    private static final byte INS_SELECT = (byte) 0xA4;
    private static final byte INS_GET_DATA = (byte) 0xCA;
    private static final byte INS_VERIFY = (byte) 0x20;
    private static final byte INS_CHANGE_PIN = (byte) 0x24;
    private static final byte INS_PUT_DATA = (byte) 0xDA;
    private static final byte INS_INITIALIZE_UPDATE = (byte) 0x50;
    private static final byte INS_EXTERNAL_AUTHENTICATE = (byte) 0x82;
    private static final byte INS_CREATE_DOMAIN = (byte) 0xE0;
    private static final byte INS_DELETE_DOMAIN = (byte) 0xE4;
    private static final byte INS_RESET_RETRY_COUNTER = (byte) 0x2C;
    private static final byte INS_CREATE_RECORD = (byte) 0xE2;
    private static final byte INS_SET_ACCESS = (byte) 0xE6;
    private static final byte INS_UPDATE_RECORD = (byte) 0xDC;
    private static final byte INS_READ_RECORD = (byte) 0xB2;
    private static final byte INS_SIGN = (byte) 0x2A;
    private static final byte INS_AGREE = (byte) 0x86;
    private static final byte DATA_CARD = 0x01;
    private static final byte DATA_HOLDER = 0x02;
    private static final byte DATA_DOMAINS = 0x03;
    private static final byte DATA_RECORDS = 0x04;
    private static final byte PIN_REFERENCE = (byte) 0x81;
    private static final byte SIGN_P1 = (byte) 0x9E;
    private static final byte SIGN_P2 = (byte) 0x9A;
    private static final byte PROTOCOL_VERSION = 1;
    private static final byte SUITE_P256_AES = 1;

    // Status words (docs/s4-card.md, "Status words").
    private static final short SW_WRONG_PIN = (short) 0x63C0;
    private static final short SW_PIN_BLOCKED = (short) 0x6983;
    private static final short SW_SECURITY_STATUS = (short) 0x6982;
    private static final short SW_CONDITIONS = (short) 0x6985;
    private static final short SW_BAD_MAC = (short) 0x6988;
    private static final short SW_NOT_FOUND = (short) 0x6A82;
    private static final short SW_WRONG_DATA = (short) 0x6A80;
    private static final short SW_NO_ROOM = (short) 0x6A84;
    private static final short SW_ALREADY_EXISTS = (short) 0x6A89;
    private static final short SW_WRONG_LENGTH = (short) 0x6700;
    private static final short SW_WRONG_P1P2 = (short) 0x6A86;
    private static final short SW_UNKNOWN_INSTRUCTION = (short) 0x6D00;
    private static final short SW_UNKNOWN_CLASS = (short) 0x6E00;

    // Limits (docs/s4-card.md, "What the card holds").
    private static final short MAX_DOMAINS = 4;
    private static final short MAX_RECORDS = 4;
    private static final short MAX_ID = 16;
    private static final short MAX_NAME = 32;
    private static final short MAX_ACCOUNT = 64;
    private static final short MAX_HOLDER = 48;
    private static final short MIN_PIN = 4;
    private static final byte MAX_PIN = 12;
    private static final byte PIN_TRIES = 3;
    private static final short SERIAL = 8;
    private static final short KEY = 16;
    private static final short BLOCK = 16;
    private static final short CHALLENGE = 8;
    private static final short CRYPTOGRAM = 8;
    private static final short MAC = 8;
    private static final short HASH = 32;
    private static final short COORDINATE = 32;
    private static final short POINT = 65;

    // Key types, instruments (1 to 6) and access conditions (seed 004, claims 10-12).
    private static final byte KEY_SIGNING = 1;
    private static final byte KEY_AGREEMENT = 2;
    private static final byte INSTRUMENTS = 6;
    private static final byte ALWAYS = 0;
    private static final byte PIN = 1;
    private static final byte PROVIDER = 2;
    private static final byte NEVER = 3;

    // SCP03's derivation constants (GlobalPlatform Amendment D, table 6-1).
    private static final byte DERIVE_CARD_CRYPTOGRAM = 0x00;
    private static final byte DERIVE_HOST_CRYPTOGRAM = 0x01;
    private static final byte DERIVE_S_ENC = 0x04;
    private static final byte DERIVE_S_MAC = 0x06;

    // A length-prefixed id: its length, then up to 16 bytes; length 0 marks a free domain slot.
    private static final short ID_FIELD = (short) (1 + MAX_ID);

    // One record: id (0 = free slot) ‖ key type ‖ instrument ‖ READ ‖ USE ‖ UPDATE ‖ name ‖ account,
    // the first six as CREATE RECORD and READ RECORD carry them; name and account length-prefixed.
    private static final short R_ID = 0;
    private static final short R_KEY_TYPE = 1;
    private static final short R_ACCESS = 3;
    private static final short R_READ = 3;
    private static final short R_USE = 4;
    private static final short R_UPDATE = 5;
    private static final short R_NAME = 6;
    private static final short R_ACCOUNT = (short) (R_NAME + 1 + MAX_NAME);
    private static final short RECORD = (short) (R_ACCOUNT + 1 + MAX_ACCOUNT);
    private static final short HEAD = 6;

    // RAM flags.
    private static final short SELECTED = 0;
    private static final short PIN_VERIFIED = 1;
    private static final short CHANNEL = 2;
    /** Set once a secure command's C-MAC verified, cleared as each command comes in: only it meets PROVIDER. */
    private static final short SECURED = 3;
    private static final byte NO_SESSION = 0;
    /** INITIALIZE UPDATE done, EXTERNAL AUTHENTICATE awaited. */
    private static final byte PENDING = 1;
    private static final byte OPEN = 2;

    // The session in RAM: its domain's id ‖ the C-MAC chain ‖ the host cryptogram awaited ‖ S-ENC ‖ S-MAC.
    private static final short S_DOMAIN = 0;
    private static final short S_CHAIN = ID_FIELD;
    private static final short S_HOST_CRYPTOGRAM = (short) (S_CHAIN + BLOCK);
    private static final short S_ENC = (short) (S_HOST_CRYPTOGRAM + CRYPTOGRAM);
    private static final short S_MAC = (short) (S_ENC + KEY);
    private static final short SESSION = (short) (S_MAC + KEY);

    // The command parser's cursor and the data's end.
    private static final short AT = 0;
    private static final short END = 1;

    // Scratch RAM: the KDF's input (label ‖ context) and output; the P-256 arithmetic's three numbers.
    private static final short K_LABEL = 0;
    private static final short K_CONTEXT = BLOCK;
    private static final short K_OUT = (short) (2 * BLOCK);
    private static final short T1 = 0;
    private static final short T2 = COORDINATE;
    private static final short T3 = (short) (2 * COORDINATE);
    private static final short SCRATCH = 128;

    // secp256r1 (SEC 2, section 2.4.2): the card sets every domain parameter itself.
    private static final byte[] P = {
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01,
            (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00,
            (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    private static final byte[] A = {
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x01,
            (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00,
            (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFC};
    private static final byte[] B = {
            (byte) 0x5A, (byte) 0xC6, (byte) 0x35, (byte) 0xD8, (byte) 0xAA, (byte) 0x3A, (byte) 0x93, (byte) 0xE7,
            (byte) 0xB3, (byte) 0xEB, (byte) 0xBD, (byte) 0x55, (byte) 0x76, (byte) 0x98, (byte) 0x86, (byte) 0xBC,
            (byte) 0x65, (byte) 0x1D, (byte) 0x06, (byte) 0xB0, (byte) 0xCC, (byte) 0x53, (byte) 0xB0, (byte) 0xF6,
            (byte) 0x3B, (byte) 0xCE, (byte) 0x3C, (byte) 0x3E, (byte) 0x27, (byte) 0xD2, (byte) 0x60, (byte) 0x4B};
    private static final byte[] G = {
            (byte) 0x04, (byte) 0x6B, (byte) 0x17, (byte) 0xD1, (byte) 0xF2, (byte) 0xE1, (byte) 0x2C, (byte) 0x42,
            (byte) 0x47, (byte) 0xF8, (byte) 0xBC, (byte) 0xE6, (byte) 0xE5, (byte) 0x63, (byte) 0xA4, (byte) 0x40,
            (byte) 0xF2, (byte) 0x77, (byte) 0x03, (byte) 0x7D, (byte) 0x81, (byte) 0x2D, (byte) 0xEB, (byte) 0x33,
            (byte) 0xA0, (byte) 0xF4, (byte) 0xA1, (byte) 0x39, (byte) 0x45, (byte) 0xD8, (byte) 0x98, (byte) 0xC2,
            (byte) 0x96, (byte) 0x4F, (byte) 0xE3, (byte) 0x42, (byte) 0xE2, (byte) 0xFE, (byte) 0x1A, (byte) 0x7F,
            (byte) 0x9B, (byte) 0x8E, (byte) 0xE7, (byte) 0xEB, (byte) 0x4A, (byte) 0x7C, (byte) 0x0F, (byte) 0x9E,
            (byte) 0x16, (byte) 0x2B, (byte) 0xCE, (byte) 0x33, (byte) 0x57, (byte) 0x6B, (byte) 0x31, (byte) 0x5E,
            (byte) 0xCE, (byte) 0xCB, (byte) 0xB6, (byte) 0x40, (byte) 0x68, (byte) 0x37, (byte) 0xBF, (byte) 0x51,
            (byte) 0xF5};
    private static final byte[] N = {
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xBC, (byte) 0xE6, (byte) 0xFA, (byte) 0xAD, (byte) 0xA7, (byte) 0x17, (byte) 0x9E, (byte) 0x84,
            (byte) 0xF3, (byte) 0xB9, (byte) 0xCA, (byte) 0xC2, (byte) 0xFC, (byte) 0x63, (byte) 0x25, (byte) 0x51};
    private static final short COFACTOR = 1;

    // Persistent state (docs/s4-card.md, "What the card holds").
    private final byte[] serial = new byte[SERIAL];
    private final byte[] issuerId = new byte[ID_FIELD];
    private final AESKey issuerKey;
    private final byte[] holder = new byte[(short) (1 + MAX_HOLDER)];
    /** The holder's PIN: OwnerPIN counts a try down before it compares (seed 004, claim 4). */
    private final OwnerPIN pin;
    private final byte[] domainIds = new byte[(short) (MAX_DOMAINS * ID_FIELD)];
    private final AESKey[] domainKeys = new AESKey[MAX_DOMAINS];
    /**
     * How many domains, then their slots in the order they were created, which GET DATA lists:
     * CREATE DOMAIN appends its slot, DELETE DOMAIN closes the gap (compacting), a change to a
     * domain's records leaves its place. A deleted domain's slot may be reused by the next one
     * created, which is appended, so it lists after the ones before it.
     */
    private final byte[] domainOrder = new byte[(short) (1 + MAX_DOMAINS)];
    /** Domain slot d holds record slots 4d to 4d + 3. */
    private final byte[] records = new byte[(short) (MAX_DOMAINS * MAX_RECORDS * RECORD)];
    private final KeyPair[] recordKeys = new KeyPair[(short) (MAX_DOMAINS * MAX_RECORDS)];

    // RAM.
    private final byte[] flags;
    private final byte[] session;
    /**
     * S-ENC or S-MAC, loaded from the session's RAM for each use: jCardSim keeps a
     * TYPE_AES_TRANSIENT_RESET key in CLEAR_ON_DESELECT memory, which a re-selection by the JCRE
     * (a refused SELECT of a prefix of the AID) would wipe while the session goes on.
     */
    private final AESKey sessionKey;
    private final short[] cursor;
    private final byte[] scratch;

    private final RandomData random;
    private final Signature cmac;
    private final Cipher aes;
    private final Signature ecdsa;
    private final KeyAgreement ecdh;
    /** ECDH that answers the whole point: the public point of a new private key, from G. */
    private final KeyAgreement multiplyG;

    private CardOsApplet(byte[] install, short offset, byte length) {
        flags = JCSystem.makeTransientByteArray((short) 4, JCSystem.CLEAR_ON_RESET);
        session = JCSystem.makeTransientByteArray(SESSION, JCSystem.CLEAR_ON_RESET);
        cursor = JCSystem.makeTransientShortArray((short) 2, JCSystem.CLEAR_ON_RESET);
        scratch = JCSystem.makeTransientByteArray(SCRATCH, JCSystem.CLEAR_ON_RESET);
        sessionKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES_TRANSIENT_RESET, KeyBuilder.LENGTH_AES_128, false);
        issuerKey = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        for (short d = 0; d < MAX_DOMAINS; d++) {
            domainKeys[d] = (AESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_AES, KeyBuilder.LENGTH_AES_128, false);
        }
        for (short r = 0; r < (short) recordKeys.length; r++) {
            recordKeys[r] = new KeyPair(KeyPair.ALG_EC_FP, KeyBuilder.LENGTH_EC_FP_256);
        }
        pin = new OwnerPIN(PIN_TRIES, MAX_PIN);
        random = RandomData.getInstance(RandomData.ALG_KEYGENERATION);
        cmac = Signature.getInstance(Signature.ALG_AES_CMAC_128, false);
        aes = Cipher.getInstance(Cipher.ALG_AES_BLOCK_128_ECB_NOPAD, false);
        ecdsa = Signature.getInstance(Signature.ALG_ECDSA_SHA_256, false);
        ecdh = KeyAgreement.getInstance(KeyAgreement.ALG_EC_SVDP_DH_PLAIN, false);
        multiplyG = KeyAgreement.getInstance(KeyAgreement.ALG_EC_SVDP_DH_PLAIN_XY, false);

        personalise(install, offset, length);
        random.nextBytes(serial, (short) 0, SERIAL);
        register(install, (short) (offset + 1), install[offset]);
    }

    public static void install(byte[] bArray, short bOffset, byte bLength) {
        new CardOsApplet(bArray, bOffset, bLength);
    }

    /** The personalisation in the install data (the layout above); what does not parse fails the install. */
    private void personalise(byte[] install, short offset, byte length) {
        cursor[AT] = offset;
        cursor[END] = (short) (offset + (length & 0xFF));
        take(u8(install));
        take(u8(install));
        if (u8(install) != (short) (cursor[END] - cursor[AT])) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short id = id(install);
        short key = take(KEY);
        short name = field(install, MAX_HOLDER);
        utf8(install, name);
        short digits = field(install, MAX_PIN);
        requirePin(install, (short) (digits + 1), install[digits]);
        end();
        copyField(install, id, issuerId, (short) 0);
        issuerKey.setKey(install, key);
        copyField(install, name, holder, (short) 0);
        pin.update(install, (short) (digits + 1), install[digits]);
    }

    public void process(APDU apdu) {
        byte[] buf = apdu.getBuffer();
        byte cla = buf[ISO7816.OFFSET_CLA];
        flags[SECURED] = 0;
        receive(apdu);
        try {
            dispatch(apdu, buf, cla);
        } catch (ISOException e) {
            short sw = e.getReason();
            // GlobalPlatform: a secure command that fails ends the session (as SoftwareCard.transmit)
            if (sw == SW_BAD_MAC || sw == SW_SECURITY_STATUS && cla == CLA_SECURE) {
                if (flags[CHANNEL] == OPEN) {
                    endSession();
                }
            }
            throw e;
        }
    }

    /**
     * The whole command data into the APDU buffer; the cursor spans it. Extended APDUs too, as
     * SoftwareCard parses them: a field too long is then refused by the command, not the length
     * (a holder name of 300 bytes without the PIN is 6982). Data beyond the buffer is 6700.
     */
    private void receive(APDU apdu) {
        short read = apdu.setIncomingAndReceive();
        short start = apdu.getOffsetCdata();
        short end = (short) (start + apdu.getIncomingLength());
        if (end < start || end > apdu.getBuffer().length) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        short at = (short) (start + read);
        while (at < end) {
            at += apdu.receiveBytes(at);
        }
        cursor[AT] = start;
        cursor[END] = end;
    }

    private void dispatch(APDU apdu, byte[] buf, byte cla) {
        byte ins = buf[ISO7816.OFFSET_INS];
        if (ins == INS_SELECT) {
            requireClass(cla, CLA_ISO);
            select(apdu, buf);
            return;
        }
        if (flags[SELECTED] == 0) {
            ISOException.throwIt(SW_CONDITIONS);
        }
        switch (ins) {
            case INS_GET_DATA:
                requireClass(cla, CLA_PROPRIETARY);
                getData(apdu, buf);
                return;
            case INS_VERIFY:
                requireClass(cla, CLA_ISO);
                verify(buf);
                return;
            case INS_CHANGE_PIN:
                requireClass(cla, CLA_ISO);
                changePin(buf);
                return;
            case INS_PUT_DATA:
                requireClass(cla, CLA_PROPRIETARY);
                putHolder(buf);
                return;
            case INS_INITIALIZE_UPDATE:
                requireClass(cla, CLA_PROPRIETARY);
                initializeUpdate(apdu, buf);
                return;
            case INS_EXTERNAL_AUTHENTICATE:
                requireClass(cla, CLA_SECURE);
                externalAuthenticate(buf);
                return;
            case INS_CREATE_DOMAIN:
                secure(buf, cla, true, (byte) 0, (byte) 0);
                createDomain(buf);
                return;
            case INS_DELETE_DOMAIN:
                secure(buf, cla, true, (byte) 0, (byte) 0);
                deleteDomain(buf);
                return;
            case INS_RESET_RETRY_COUNTER:
                secure(buf, cla, true, (byte) 0, PIN_REFERENCE);
                resetRetryCounter(buf);
                return;
            case INS_CREATE_RECORD:
                secure(buf, cla, false, (byte) 0, (byte) 0);
                createRecord(apdu, buf);
                return;
            case INS_SET_ACCESS:
                secure(buf, cla, false, (byte) 0, (byte) 0);
                setAccess(buf);
                return;
            case INS_UPDATE_RECORD:
                // CLA 80, or 84 under its provider's session (the only way to meet PROVIDER)
                if (cla == CLA_SECURE) {
                    secure(buf, cla, false, (byte) 0, (byte) 0);
                } else {
                    requireClass(cla, CLA_PROPRIETARY);
                    requireP1P2(buf, (byte) 0, (byte) 0);
                }
                updateRecord(buf);
                return;
            case INS_READ_RECORD:
                // CLA 00, or 84 under its provider's session; then checked and answered alike
                if (cla == CLA_SECURE) {
                    secure(buf, cla, false, (byte) 0, (byte) 0);
                } else {
                    requireClass(cla, CLA_ISO);
                }
                readRecord(apdu, buf);
                return;
            case INS_SIGN:
                if (cla == CLA_SECURE) {
                    secure(buf, cla, false, SIGN_P1, SIGN_P2);
                } else {
                    requireClass(cla, CLA_PROPRIETARY);
                }
                sign(apdu, buf);
                return;
            case INS_AGREE:
                if (cla == CLA_SECURE) {
                    secure(buf, cla, false, (byte) 0, (byte) 0);
                } else {
                    requireClass(cla, CLA_PROPRIETARY);
                }
                agree(apdu, buf);
                return;
            default:
                ISOException.throwIt(SW_UNKNOWN_INSTRUCTION);
        }
    }

    // --- Card data and selection

    /** SELECT by the card OS's own AID, exactly: a new selection ends the PIN's verification and the session. */
    private void select(APDU apdu, byte[] buf) {
        requireP1P2(buf, (byte) 0x04, (byte) 0x00);
        short start = cursor[AT];
        short length = (short) (cursor[END] - start);
        if (length > MAX_ID || !JCSystem.getAID().equals(buf, start, (byte) length)) {
            ISOException.throwIt(SW_NOT_FOUND);
        }
        flags[PIN_VERIFIED] = 0;
        endSession();
        flags[SELECTED] = 1;
        send(apdu, cardData(buf));
    }

    /** Serial ‖ protocol version ‖ suite, at the start of buf. */
    private short cardData(byte[] buf) {
        Util.arrayCopyNonAtomic(serial, (short) 0, buf, (short) 0, SERIAL);
        buf[SERIAL] = PROTOCOL_VERSION;
        buf[(short) (SERIAL + 1)] = SUITE_P256_AES;
        return (short) (SERIAL + 2);
    }

    private void getData(APDU apdu, byte[] buf) {
        if (buf[ISO7816.OFFSET_P1] != 0) {
            ISOException.throwIt(SW_WRONG_P1P2);
        }
        switch (buf[ISO7816.OFFSET_P2]) {
            case DATA_CARD:
                end();
                send(apdu, cardData(buf));
                return;
            case DATA_HOLDER:
                requirePinVerified();
                end();
                send(apdu, Util.arrayCopyNonAtomic(holder, (short) 1, buf, (short) 0, holder[0]));
                return;
            case DATA_DOMAINS:
                end();
                send(apdu, domainList(buf));
                return;
            case DATA_RECORDS:
                short id = id(buf);
                short domain = domainSlot(buf, id);
                end();
                send(apdu, recordList(buf, domain));
                return;
            default:
                ISOException.throwIt(SW_WRONG_P1P2);
        }
    }

    /** Count, then each domain's id (length-prefixed), in the order they were created. */
    private short domainList(byte[] buf) {
        short count = domainOrder[0];
        buf[0] = (byte) count;
        short at = 1;
        for (short i = 1; i <= count; i++) {
            at = copyField(domainIds, (short) (domainOrder[i] * ID_FIELD), buf, at);
        }
        return at;
    }

    /** Count, then id ‖ name of each record the terminal may READ, by ascending id (seed 004, claim 12). */
    private short recordList(byte[] buf, short domain) {
        short domainId = (short) (domain * ID_FIELD);
        short count = 0;
        short at = 1;
        short last = 0;
        for (short next = nextRecord(domain, last); next >= 0; next = nextRecord(domain, last)) {
            short record = (short) (next * RECORD);
            last = (short) (records[(short) (record + R_ID)] & 0xFF);
            if (allowed(records[(short) (record + R_READ)], domainIds, domainId)) {
                buf[at++] = records[(short) (record + R_ID)];
                at = copyField(records, (short) (record + R_NAME), buf, at);
                count++;
            }
        }
        buf[0] = (byte) count;
        return at;
    }

    /** The record slot of the domain with the smallest id above {@code after}, or -1. */
    private short nextRecord(short domain, short after) {
        short found = -1;
        short foundId = 256;
        for (short slot = (short) (domain * MAX_RECORDS); slot < (short) ((domain + 1) * MAX_RECORDS); slot++) {
            short id = (short) (records[(short) (slot * RECORD + R_ID)] & 0xFF);
            if (id > after && id < foundId) {
                found = slot;
                foundId = id;
            }
        }
        return found;
    }

    // --- The holder

    private void verify(byte[] buf) {
        requireP1P2(buf, (byte) 0, PIN_REFERENCE);
        short digits = cursor[AT];
        short length = (short) (cursor[END] - digits);
        requirePin(buf, digits, length);
        checkPin(buf, digits, length);
    }

    /** Old PIN length ‖ old PIN ‖ new PIN; the old PIN counts as a VERIFY, the new one gets all the tries. */
    private void changePin(byte[] buf) {
        requireP1P2(buf, (byte) 0, PIN_REFERENCE);
        short old = field(buf, MAX_PIN);
        requirePin(buf, (short) (old + 1), buf[old]);
        short digits = cursor[AT];
        short length = (short) (cursor[END] - digits);
        requirePin(buf, digits, length);
        checkPin(buf, (short) (old + 1), buf[old]);
        pin.update(buf, digits, (byte) length);
    }

    /** A locked PIN refuses at once; else OwnerPIN spends a try, then compares (seed 004, claim 4). */
    private void checkPin(byte[] buf, short digits, short length) {
        if (pin.getTriesRemaining() == 0) {
            flags[PIN_VERIFIED] = 0;
            ISOException.throwIt(SW_PIN_BLOCKED);
        }
        if (!pin.check(buf, digits, (byte) length)) {
            flags[PIN_VERIFIED] = 0;
            ISOException.throwIt((short) (SW_WRONG_PIN | pin.getTriesRemaining()));
        }
        flags[PIN_VERIFIED] = 1;
    }

    private void putHolder(byte[] buf) {
        requireP1P2(buf, (byte) 0, DATA_HOLDER);
        requirePinVerified();
        short name = cursor[AT];
        short length = (short) (cursor[END] - name);
        if (length > MAX_HOLDER) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        if (!isUtf8(buf, name, length)) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        JCSystem.beginTransaction();
        holder[0] = (byte) length;
        Util.arrayCopy(buf, name, holder, (short) 1, length);
        JCSystem.commitTransaction();
    }

    /** The issuer's unblock (seed 004, claim 4): a new PIN with all its tries, blocked or not. */
    private void resetRetryCounter(byte[] buf) {
        short digits = cursor[AT];
        short length = (short) (cursor[END] - digits);
        requirePin(buf, digits, length);
        pin.update(buf, digits, (byte) length);
    }

    // --- Sessions (docs/s4-card.md, "Provider authentication"; seed 004, claim 5)

    /** Domain id ‖ host challenge: the card challenge ‖ the card cryptogram; the session awaits EXTERNAL AUTHENTICATE. */
    private void initializeUpdate(APDU apdu, byte[] buf) {
        requireP1P2(buf, (byte) 0, (byte) 0);
        short id = id(buf);
        short hostChallenge = take(CHALLENGE);
        end();
        AESKey key = issuerKey;
        if (!sameId(issuerId, (short) 0, buf, id)) {
            short domain = domainSlot(buf, id);
            key = domainKeys[domain];
        }
        Util.arrayCopyNonAtomic(buf, hostChallenge, scratch, K_CONTEXT, CHALLENGE);
        random.nextBytes(scratch, (short) (K_CONTEXT + CHALLENGE), CHALLENGE);
        kdf(key, DERIVE_S_ENC, (short) 128);
        Util.arrayCopyNonAtomic(scratch, K_OUT, session, S_ENC, KEY);
        kdf(key, DERIVE_S_MAC, (short) 128);
        Util.arrayCopyNonAtomic(scratch, K_OUT, session, S_MAC, KEY);
        kdf(sessionKey(S_MAC), DERIVE_HOST_CRYPTOGRAM, (short) 64);
        Util.arrayCopyNonAtomic(scratch, K_OUT, session, S_HOST_CRYPTOGRAM, CRYPTOGRAM);
        copyField(buf, id, session, S_DOMAIN);
        Util.arrayFillNonAtomic(session, S_CHAIN, BLOCK, (byte) 0);
        flags[CHANNEL] = PENDING;
        kdf(sessionKey(S_MAC), DERIVE_CARD_CRYPTOGRAM, (short) 64);
        Util.arrayCopyNonAtomic(scratch, (short) (K_CONTEXT + CHALLENGE), buf, (short) 0, CHALLENGE);
        Util.arrayCopyNonAtomic(scratch, K_OUT, buf, CHALLENGE, CRYPTOGRAM);
        send(apdu, (short) (CHALLENGE + CRYPTOGRAM));
    }

    /** Host cryptogram ‖ C-MAC: the pending session opens, or ends on a cryptogram or MAC that does not verify. */
    private void externalAuthenticate(byte[] buf) {
        requireP1P2(buf, (byte) 0, (byte) 0);
        if (flags[CHANNEL] != PENDING) {
            ISOException.throwIt(SW_CONDITIONS);
        }
        flags[CHANNEL] = NO_SESSION;
        if (!unwrap(buf) || (short) (cursor[END] - cursor[AT]) != CRYPTOGRAM
                || !equal(buf, cursor[AT], session, S_HOST_CRYPTOGRAM, CRYPTOGRAM)) {
            endSession();
            ISOException.throwIt(SW_BAD_MAC);
        }
        flags[CHANNEL] = OPEN;
    }

    /**
     * A secure command of the open session: its class, a session (6982), its C-MAC (6988), then its
     * P1 P2 (6A86), then whose session (6982); {@code issuer}: only the issuer's session will do,
     * else only a provider's. Once the C-MAC verified the command is marked secured: the record
     * conditions PROVIDER can be met by it alone.
     */
    private void secure(byte[] buf, byte cla, boolean issuer, byte p1, byte p2) {
        requireClass(cla, CLA_SECURE);
        if (flags[CHANNEL] != OPEN) {
            ISOException.throwIt(SW_SECURITY_STATUS);
        }
        if (!unwrap(buf)) {
            ISOException.throwIt(SW_BAD_MAC);
        }
        flags[SECURED] = 1;
        requireP1P2(buf, p1, p2);
        if (issuer != sameId(session, S_DOMAIN, issuerId, (short) 0)) {
            ISOException.throwIt(SW_SECURITY_STATUS);
        }
    }

    /**
     * A secure command names its own session's domain only (6982, and the session closes); a
     * plain one any domain. Checked right after the domain is found, as UPDATE RECORD always did.
     */
    private void requireOwnDomain(byte[] buf, short id) {
        if (flags[SECURED] != 0 && !sameId(session, S_DOMAIN, buf, id)) {
            ISOException.throwIt(SW_SECURITY_STATUS);
        }
    }

    /**
     * Verifies the C-MAC that ends the data: the first 8 bytes of CMAC(S-MAC, chain ‖ CLA INS P1 P2
     * ‖ Lc ‖ data), Lc counting the MAC. If it verifies, the full CMAC is the next chain and the
     * data ends before the MAC.
     */
    private boolean unwrap(byte[] buf) {
        short start = cursor[AT];
        short length = (short) (cursor[END] - start);
        if (length < MAC) {
            return false;
        }
        short plain = (short) (length - MAC);
        Util.arrayCopyNonAtomic(buf, ISO7816.OFFSET_CLA, scratch, (short) 0, (short) 4);
        scratch[4] = (byte) length;
        cmac.init(sessionKey(S_MAC), Signature.MODE_SIGN);
        cmac.update(session, S_CHAIN, BLOCK);
        cmac.update(scratch, (short) 0, (short) 5);
        cmac.sign(buf, start, plain, scratch, BLOCK);
        if (!equal(scratch, BLOCK, buf, (short) (start + plain), MAC)) {
            return false;
        }
        Util.arrayCopyNonAtomic(scratch, BLOCK, session, S_CHAIN, BLOCK);
        cursor[END] = (short) (start + plain);
        return true;
    }

    /**
     * SCP03's KDF (Amendment D, section 6.2.2), NIST SP 800-108 counter mode with AES-CMAC:
     * CMAC(key, 11 zero bytes ‖ constant ‖ 00 ‖ L ‖ 01 ‖ context) into the scratch's output; one
     * block covers L = 64 and 128. The context (host challenge ‖ card challenge) is in place.
     */
    private void kdf(AESKey key, byte constant, short bits) {
        Util.arrayFillNonAtomic(scratch, K_LABEL, BLOCK, (byte) 0);
        scratch[(short) (K_LABEL + 11)] = constant;
        scratch[(short) (K_LABEL + 13)] = (byte) (bits >> 8);
        scratch[(short) (K_LABEL + 14)] = (byte) bits;
        scratch[(short) (K_LABEL + 15)] = 1;
        cmac.init(key, Signature.MODE_SIGN);
        cmac.sign(scratch, K_LABEL, (short) (2 * BLOCK), scratch, K_OUT);
    }

    private void endSession() {
        flags[CHANNEL] = NO_SESSION;
        Util.arrayFillNonAtomic(session, (short) 0, SESSION, (byte) 0);
        sessionKey.clearKey();
    }

    /** The session key at {@code session[which]}, S-ENC or S-MAC. */
    private AESKey sessionKey(short which) {
        sessionKey.setKey(session, which);
        return sessionKey;
    }

    // --- Provider domains (seed 004, claim 1): the issuer loads and deletes them in its session

    /** Domain id ‖ its static key encrypted under S-ENC. */
    private void createDomain(byte[] buf) {
        short id = id(buf);
        short encrypted = take(KEY);
        end();
        if (sameId(issuerId, (short) 0, buf, id) || findDomain(buf, id) >= 0) {
            ISOException.throwIt(SW_ALREADY_EXISTS);
        }
        if (domainOrder[0] >= MAX_DOMAINS) {
            ISOException.throwIt(SW_NO_ROOM);
        }
        short domain = 0;
        while (domainIds[(short) (domain * ID_FIELD)] != 0) {
            domain++;
        }
        aes.init(sessionKey(S_ENC), Cipher.MODE_DECRYPT);
        aes.doFinal(buf, encrypted, KEY, scratch, (short) 0);
        domainKeys[domain].setKey(scratch, (short) 0);
        Util.arrayFillNonAtomic(scratch, (short) 0, KEY, (byte) 0);
        JCSystem.beginTransaction();
        copyField(buf, id, domainIds, (short) (domain * ID_FIELD));
        domainOrder[0]++;
        domainOrder[domainOrder[0]] = (byte) domain;
        JCSystem.commitTransaction();
    }

    /** Domain id: the domain goes with its records and their keys. */
    private void deleteDomain(byte[] buf) {
        short id = id(buf);
        end();
        short domain = domainSlot(buf, id);
        JCSystem.beginTransaction();
        domainIds[(short) (domain * ID_FIELD)] = 0;
        for (short slot = (short) (domain * MAX_RECORDS); slot < (short) ((domain + 1) * MAX_RECORDS); slot++) {
            records[(short) (slot * RECORD + R_ID)] = 0;
        }
        unlist(domain);
        domainOrder[0]--;
        JCSystem.commitTransaction();
        domainKeys[domain].clearKey();
        for (short slot = (short) (domain * MAX_RECORDS); slot < (short) ((domain + 1) * MAX_RECORDS); slot++) {
            recordKeys[slot].getPrivate().clearKey();
            recordKeys[slot].getPublic().clearKey();
        }
    }

    /** Closes the domain's gap in the list; the last place is then free. */
    private void unlist(short domain) {
        short count = domainOrder[0];
        short i = 1;
        while (domainOrder[i] != domain) {
            i++;
        }
        Util.arrayCopy(domainOrder, (short) (i + 1), domainOrder, i, (short) (count - i));
    }

    // --- Records (seed 004, claims 10-12): their provider's session, their access conditions

    /** Record id ‖ key type ‖ instrument ‖ READ ‖ USE ‖ UPDATE ‖ name ‖ account: the new key pair's public point. */
    private void createRecord(APDU apdu, byte[] buf) {
        short head = cursor[AT];
        short id = u8(buf);
        short keyType = u8(buf);
        if (keyType != KEY_SIGNING && keyType != KEY_AGREEMENT) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short instrument = u8(buf);
        if (instrument < 1 || instrument > INSTRUMENTS) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        access(buf);
        short name = field(buf, MAX_NAME);
        utf8(buf, name);
        short account = field(buf, MAX_ACCOUNT);
        end();
        if (id == 0) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short domain = domainSlot(session, S_DOMAIN);
        if (findRecord(domain, id) >= 0) {
            ISOException.throwIt(SW_ALREADY_EXISTS);
        }
        short slot = (short) (domain * MAX_RECORDS);
        while (records[(short) (slot * RECORD + R_ID)] != 0) {
            slot++;
            if (slot == (short) ((domain + 1) * MAX_RECORDS)) {
                ISOException.throwIt(SW_NO_ROOM);
            }
        }
        newKeyPair(recordKeys[slot]);
        short record = (short) (slot * RECORD);
        JCSystem.beginTransaction();
        Util.arrayCopy(buf, (short) (head + 1), records, (short) (record + 1), (short) (HEAD - 1));
        copyField(buf, name, records, (short) (record + R_NAME));
        copyField(buf, account, records, (short) (record + R_ACCOUNT));
        records[(short) (record + R_ID)] = (byte) id;
        JCSystem.commitTransaction();
        send(apdu, ((ECPublicKey) recordKeys[slot].getPublic()).getW(buf, (short) 0));
    }

    /**
     * A new P-256 key pair made on the card: the private scalar from the key-generation RNG, drawn
     * again until it is in [1, n - 1], and its public point S·G from the card's EC engine. Not
     * KeyPair.genKeyPair: jCardSim draws that from an unseeded SHA1PRNG of each KeyPair object, so
     * every slot's first key would be the same on every card.
     */
    private void newKeyPair(KeyPair pair) {
        ECPrivateKey key = (ECPrivateKey) pair.getPrivate();
        ECPublicKey point = (ECPublicKey) pair.getPublic();
        setCurve(key);
        setCurve(point);
        do {
            random.nextBytes(scratch, (short) 0, COORDINATE);
        } while (isZero(scratch, (short) 0) || !less(scratch, (short) 0, N, (short) 0));
        key.setS(scratch, (short) 0, COORDINATE);
        Util.arrayFillNonAtomic(scratch, (short) 0, COORDINATE, (byte) 0);
        multiplyG.init(key);
        short length = multiplyG.generateSecret(G, (short) 0, POINT, scratch, (short) 0);
        point.setW(scratch, (short) 0, length);
    }

    private static void setCurve(ECKey key) {
        key.setFieldFP(P, (short) 0, COORDINATE);
        key.setA(A, (short) 0, COORDINATE);
        key.setB(B, (short) 0, COORDINATE);
        key.setG(G, (short) 0, POINT);
        key.setR(N, (short) 0, COORDINATE);
        key.setK(COFACTOR);
    }

    /** Record id ‖ READ ‖ USE ‖ UPDATE: always its own provider's. */
    private void setAccess(byte[] buf) {
        short id = u8(buf);
        short conditions = cursor[AT];
        access(buf);
        end();
        short domain = domainSlot(session, S_DOMAIN);
        short record = (short) (recordSlot(domain, id) * RECORD);
        JCSystem.beginTransaction();
        Util.arrayCopy(buf, conditions, records, (short) (record + R_ACCESS), (short) 3);
        JCSystem.commitTransaction();
    }

    /** Domain id ‖ record id ‖ account: under the record's UPDATE condition; under a session, only its own domain. */
    private void updateRecord(byte[] buf) {
        short id = id(buf);
        short recordId = u8(buf);
        short account = cursor[AT];
        short length = (short) (cursor[END] - account);
        if (length > MAX_ACCOUNT) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        short domain = domainSlot(buf, id);
        requireOwnDomain(buf, id);
        short record = (short) (recordSlot(domain, recordId) * RECORD);
        require(records[(short) (record + R_UPDATE)], buf, id);
        JCSystem.beginTransaction();
        records[(short) (record + R_ACCOUNT)] = (byte) length;
        Util.arrayCopy(buf, account, records, (short) (record + R_ACCOUNT + 1), length);
        JCSystem.commitTransaction();
    }

    /** Domain id ‖ record id: id ‖ key type ‖ instrument ‖ READ ‖ USE ‖ UPDATE ‖ name ‖ account ‖ public point. */
    private void readRecord(APDU apdu, byte[] buf) {
        requireP1P2(buf, (byte) 0, (byte) 0);
        short id = id(buf);
        short domain = domainSlot(buf, id);
        requireOwnDomain(buf, id);
        short slot = recordSlot(domain, u8(buf));
        end();
        short record = (short) (slot * RECORD);
        require(records[(short) (record + R_READ)], buf, id);
        Util.arrayCopyNonAtomic(records, record, buf, (short) 0, HEAD);
        short at = copyField(records, (short) (record + R_NAME), buf, HEAD);
        at = copyField(records, (short) (record + R_ACCOUNT), buf, at);
        at += ((ECPublicKey) recordKeys[slot].getPublic()).getW(buf, at);
        send(apdu, at);
    }

    /** Domain id ‖ record id ‖ SHA-256 hash: the ECDSA signature (DER) over the hash. */
    private void sign(APDU apdu, byte[] buf) {
        requireP1P2(buf, SIGN_P1, SIGN_P2);
        short id = id(buf);
        short domain = domainSlot(buf, id);
        requireOwnDomain(buf, id);
        short slot = recordSlot(domain, u8(buf));
        short hash = take(HASH);
        end();
        requireUse(slot, KEY_SIGNING, buf, id);
        ecdsa.init(recordKeys[slot].getPrivate(), Signature.MODE_SIGN);
        short length = ecdsa.signPreComputedHash(buf, hash, HASH, scratch, (short) 0);
        Util.arrayCopyNonAtomic(scratch, (short) 0, buf, (short) 0, length);
        send(apdu, length);
    }

    /** Domain id ‖ record id ‖ peer point: the x coordinate of the shared point. */
    private void agree(APDU apdu, byte[] buf) {
        requireP1P2(buf, (byte) 0, (byte) 0);
        short id = id(buf);
        short domain = domainSlot(buf, id);
        requireOwnDomain(buf, id);
        short slot = recordSlot(domain, u8(buf));
        short peer = take(POINT);
        end();
        requireUse(slot, KEY_AGREEMENT, buf, id);
        if (!onCurve(buf, peer)) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        ecdh.init(recordKeys[slot].getPrivate());
        short length = ecdh.generateSecret(buf, peer, POINT, scratch, (short) 0);
        Util.arrayCopyNonAtomic(scratch, (short) 0, buf, (short) 0, length);
        send(apdu, length);
    }

    private void requireUse(short slot, byte keyType, byte[] id, short idOffset) {
        short record = (short) (slot * RECORD);
        if (records[(short) (record + R_KEY_TYPE)] != keyType) {
            ISOException.throwIt(SW_CONDITIONS);
        }
        require(records[(short) (record + R_USE)], id, idOffset);
    }

    /** NEVER is 6985 whoever asks; a PIN or a provider's session not there is 6982 (seed 004, claim 12). */
    private void require(byte condition, byte[] id, short idOffset) {
        if (condition == NEVER) {
            ISOException.throwIt(SW_CONDITIONS);
        }
        if (!allowed(condition, id, idOffset)) {
            ISOException.throwIt(SW_SECURITY_STATUS);
        }
    }

    /**
     * ALWAYS: plain or secure; PIN: verified since the selection, plain or secure; PROVIDER: only a
     * secure command (C-MAC verified) of the session of the record's own domain. A plain command
     * never meets PROVIDER, even while that session is open; GET DATA, always plain, never lists a
     * record whose READ is PROVIDER.
     */
    private boolean allowed(byte condition, byte[] id, short idOffset) {
        switch (condition) {
            case ALWAYS:
                return true;
            case PIN:
                return flags[PIN_VERIFIED] != 0;
            case PROVIDER:
                return flags[SECURED] != 0 && flags[CHANNEL] == OPEN && sameId(session, S_DOMAIN, id, idOffset);
            default:
                return false;
        }
    }

    private static void requireClass(byte cla, byte expected) {
        if (cla != expected) {
            ISOException.throwIt(SW_UNKNOWN_CLASS);
        }
    }

    private static void requireP1P2(byte[] buf, byte p1, byte p2) {
        if (buf[ISO7816.OFFSET_P1] != p1 || buf[ISO7816.OFFSET_P2] != p2) {
            ISOException.throwIt(SW_WRONG_P1P2);
        }
    }

    private void requirePinVerified() {
        if (flags[PIN_VERIFIED] == 0) {
            ISOException.throwIt(SW_SECURITY_STATUS);
        }
    }

    // --- Lookups

    /** The slot of the domain whose length-prefixed id is at {@code id[offset]}, or -1. */
    private short findDomain(byte[] id, short offset) {
        for (short domain = 0; domain < MAX_DOMAINS; domain++) {
            short at = (short) (domain * ID_FIELD);
            if (domainIds[at] != 0 && sameId(domainIds, at, id, offset)) {
                return domain;
            }
        }
        return -1;
    }

    private short domainSlot(byte[] id, short offset) {
        short domain = findDomain(id, offset);
        if (domain < 0) {
            ISOException.throwIt(SW_NOT_FOUND);
        }
        return domain;
    }

    private short findRecord(short domain, short id) {
        for (short slot = (short) (domain * MAX_RECORDS); slot < (short) ((domain + 1) * MAX_RECORDS); slot++) {
            if ((short) (records[(short) (slot * RECORD + R_ID)] & 0xFF) == id) {
                return slot;
            }
        }
        return -1;
    }

    /** Record id 0 marks a free slot and is no record's. */
    private short recordSlot(short domain, short id) {
        short slot = id == 0 ? -1 : findRecord(domain, id);
        if (slot < 0) {
            ISOException.throwIt(SW_NOT_FOUND);
        }
        return slot;
    }

    private static boolean sameId(byte[] a, short aOffset, byte[] b, short bOffset) {
        return Util.arrayCompare(a, aOffset, b, bOffset, (short) (1 + a[aOffset])) == 0;
    }

    // --- Parsing: a short or missing field is 6700, a field that does not parse 6A80

    private short u8(byte[] buf) {
        short at = take((short) 1);
        return (short) (buf[at] & 0xFF);
    }

    /** The offset of the next {@code length} bytes. */
    private short take(short length) {
        short at = cursor[AT];
        if ((short) (cursor[END] - at) < length) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        cursor[AT] = (short) (at + length);
        return at;
    }

    /** A length-prefixed field of at most {@code max} bytes: the offset of its length byte. */
    private short field(byte[] buf, short max) {
        short at = cursor[AT];
        short length = u8(buf);
        if (length > max) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        take(length);
        return at;
    }

    /** A domain id: 1 to 16 ASCII letters, digits and dashes. */
    private short id(byte[] buf) {
        short at = field(buf, MAX_ID);
        short length = buf[at];
        if (length == 0) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        for (short i = (short) (at + 1); i <= (short) (at + length); i++) {
            byte c = buf[i];
            if (!(c >= 0x41 && c <= 0x5A || c >= 0x61 && c <= 0x7A || c >= 0x30 && c <= 0x39 || c == 0x2D)) {
                ISOException.throwIt(SW_WRONG_DATA);
            }
        }
        return at;
    }

    /** READ ‖ USE ‖ UPDATE, each ALWAYS, PIN, PROVIDER or NEVER. */
    private void access(byte[] buf) {
        for (short i = 0; i < 3; i++) {
            if (u8(buf) > NEVER) {
                ISOException.throwIt(SW_WRONG_DATA);
            }
        }
    }

    private void end() {
        if (cursor[AT] != cursor[END]) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
    }

    /** 4 to 12 ASCII digits. */
    private static void requirePin(byte[] buf, short offset, short length) {
        if (length < MIN_PIN || length > MAX_PIN) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        for (short i = offset; i < (short) (offset + length); i++) {
            if (buf[i] < 0x30 || buf[i] > 0x39) {
                ISOException.throwIt(SW_WRONG_DATA);
            }
        }
    }

    /** The length-prefixed text at {@code buf[field]} is UTF-8. */
    private static void utf8(byte[] buf, short field) {
        if (!isUtf8(buf, (short) (field + 1), buf[field])) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
    }

    /**
     * Well-formed UTF-8 (Unicode 15, table 3-7), as Java's decoder takes it: no overlong form, no
     * surrogate, nothing above U+10FFFF, no sequence cut short.
     */
    private static boolean isUtf8(byte[] buf, short offset, short length) {
        short at = offset;
        short end = (short) (offset + length);
        while (at < end) {
            short lead = (short) (buf[at++] & 0xFF);
            if (lead < 0x80) {
                continue;
            }
            short more;
            short low = 0x80;
            short high = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                more = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                more = 2;
                if (lead == 0xE0) {
                    low = 0xA0;
                } else if (lead == 0xED) {
                    high = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                more = 3;
                if (lead == 0xF0) {
                    low = 0x90;
                } else if (lead == 0xF4) {
                    high = 0x8F;
                }
            } else {
                return false;
            }
            if ((short) (end - at) < more) {
                return false;
            }
            for (; more > 0; more--) {
                short next = (short) (buf[at++] & 0xFF);
                if (next < low || next > high) {
                    return false;
                }
                low = 0x80;
                high = 0xBF;
            }
        }
        return true;
    }

    // --- P-256 arithmetic: is the peer's point on the curve?

    /**
     * 04 ‖ x ‖ y with x, y < p and y² = x³ + ax + b (mod p): ECDH with a point off the curve gives
     * the private key away (invalid-curve attack), so the card checks before it multiplies.
     */
    private boolean onCurve(byte[] buf, short point) {
        short x = (short) (point + 1);
        short y = (short) (x + COORDINATE);
        if (buf[point] != 0x04 || !less(buf, x, P, (short) 0) || !less(buf, y, P, (short) 0)) {
            return false;
        }
        multiply(buf, y, buf, y, T1);
        multiply(buf, x, buf, x, T2);
        multiply(scratch, T2, buf, x, T3);
        multiply(A, (short) 0, buf, x, T2);
        add(T3, scratch, T2);
        add(T3, B, (short) 0);
        return Util.arrayCompare(scratch, T1, scratch, T3, COORDINATE) == 0;
    }

    /** scratch[r] = a · b mod p, by doubling and adding over b's bits; a, b < p, r neither. */
    private void multiply(byte[] a, short aOffset, byte[] b, short bOffset, short r) {
        Util.arrayFillNonAtomic(scratch, r, COORDINATE, (byte) 0);
        for (short i = 0; i < COORDINATE; i++) {
            byte bits = b[(short) (bOffset + i)];
            for (short bit = 7; bit >= 0; bit--) {
                add(r, scratch, r);
                if (((bits >> bit) & 1) != 0) {
                    add(r, a, aOffset);
                }
            }
        }
    }

    /** scratch[r] = scratch[r] + a mod p, both below p. */
    private void add(short r, byte[] a, short aOffset) {
        short carry = 0;
        for (short i = (short) (COORDINATE - 1); i >= 0; i--) {
            short sum = (short) ((scratch[(short) (r + i)] & 0xFF) + (a[(short) (aOffset + i)] & 0xFF) + carry);
            scratch[(short) (r + i)] = (byte) sum;
            carry = (short) (sum >> 8);
        }
        if (carry != 0 || !less(scratch, r, P, (short) 0)) {
            short borrow = 0;
            for (short i = (short) (COORDINATE - 1); i >= 0; i--) {
                short difference = (short) ((scratch[(short) (r + i)] & 0xFF) - (P[i] & 0xFF) - borrow);
                scratch[(short) (r + i)] = (byte) difference;
                borrow = (short) (difference < 0 ? 1 : 0);
            }
        }
    }

    /** a < b, both 32-byte big-endian unsigned numbers. */
    private static boolean less(byte[] a, short aOffset, byte[] b, short bOffset) {
        for (short i = 0; i < COORDINATE; i++) {
            short x = (short) (a[(short) (aOffset + i)] & 0xFF);
            short y = (short) (b[(short) (bOffset + i)] & 0xFF);
            if (x != y) {
                return x < y;
            }
        }
        return false;
    }

    private static boolean isZero(byte[] a, short offset) {
        byte any = 0;
        for (short i = 0; i < COORDINATE; i++) {
            any |= a[(short) (offset + i)];
        }
        return any == 0;
    }

    // --- Bytes

    /** Compared in constant time: a cryptogram or MAC must not leak how many bytes were right. */
    private static boolean equal(byte[] a, short aOffset, byte[] b, short bOffset, short length) {
        byte difference = 0;
        for (short i = 0; i < length; i++) {
            difference |= (byte) (a[(short) (aOffset + i)] ^ b[(short) (bOffset + i)]);
        }
        return difference == 0;
    }

    /** Copies the length-prefixed field at {@code from[offset]}; the offset after it in {@code to}. */
    private static short copyField(byte[] from, short offset, byte[] to, short at) {
        return Util.arrayCopy(from, offset, to, at, (short) (1 + from[offset]));
    }

    private static void send(APDU apdu, short length) {
        apdu.setOutgoingAndSend((short) 0, length);
    }
}
