package escudo.s4.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.smartcardio.CommandAPDU;

/**
 * The S4 card's command set (docs/s4-card.md, "The commands"): its AID, classes, instructions and
 * limits, and the command APDUs a terminal sends. Both cards take exactly these.
 */
public final class CardCommands {

    /** The card OS's application identifier: a proprietary RID ({@code F0}) and "ESCUDOS4". */
    public static final byte[] AID = HexFormat.of().parseHex("F045534355444F5334");
    public static final int PROTOCOL_VERSION = 1;
    /** The algorithm suite: ECDSA and ECDH on P-256, AES-128 keys, AES-CMAC. */
    public static final int SUITE_P256_AES = 1;

    public static final int CLA_ISO = 0x00;
    public static final int CLA_PROPRIETARY = 0x80;
    public static final int CLA_SECURE = 0x84;

    public static final int INS_SELECT = 0xA4;
    public static final int INS_GET_DATA = 0xCA;
    public static final int INS_VERIFY = 0x20;
    public static final int INS_CHANGE_PIN = 0x24;
    public static final int INS_PUT_DATA = 0xDA;
    public static final int INS_INITIALIZE_UPDATE = 0x50;
    public static final int INS_EXTERNAL_AUTHENTICATE = 0x82;
    public static final int INS_CREATE_DOMAIN = 0xE0;
    public static final int INS_DELETE_DOMAIN = 0xE4;
    public static final int INS_RESET_RETRY_COUNTER = 0x2C;
    public static final int INS_CREATE_RECORD = 0xE2;
    public static final int INS_SET_ACCESS = 0xE6;
    public static final int INS_UPDATE_RECORD = 0xDC;
    public static final int INS_READ_RECORD = 0xB2;
    public static final int INS_SIGN = 0x2A;
    public static final int INS_AGREE = 0x86;

    /** GET DATA tags (P2). */
    public static final int DATA_CARD = 0x01;
    public static final int DATA_HOLDER = 0x02;
    public static final int DATA_DOMAINS = 0x03;
    public static final int DATA_RECORDS = 0x04;
    /** VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER name the holder's PIN (P2, ISO 7816-4: a specific reference). */
    public static final int PIN_REFERENCE = 0x81;

    public static final int MAX_DOMAINS = 4;
    public static final int MAX_RECORDS = 4;
    public static final int MAX_ID_LENGTH = 16;
    public static final int MAX_NAME_LENGTH = 32;
    public static final int MAX_ACCOUNT_LENGTH = 64;
    public static final int MAX_HOLDER_LENGTH = 48;
    public static final int MIN_PIN_LENGTH = 4;
    public static final int MAX_PIN_LENGTH = 12;
    public static final int PIN_TRIES = 3;
    /** An uncompressed P-256 point: 0x04 ‖ x ‖ y. */
    public static final int POINT_LENGTH = 65;
    public static final int HASH_LENGTH = 32;

    private CardCommands() {
    }

    public static CommandAPDU select() {
        return new CommandAPDU(CLA_ISO, INS_SELECT, 0x04, 0x00, AID, 256);
    }

    public static CommandAPDU getData(int tag) {
        return new CommandAPDU(CLA_PROPRIETARY, INS_GET_DATA, 0x00, tag, 256);
    }

    public static CommandAPDU records(String domain) {
        return new CommandAPDU(CLA_PROPRIETARY, INS_GET_DATA, 0x00, DATA_RECORDS, id(domain), 256);
    }

    public static CommandAPDU verify(String pin) {
        return new CommandAPDU(CLA_ISO, INS_VERIFY, 0x00, PIN_REFERENCE, ascii(pin));
    }

    public static CommandAPDU changePin(String oldPin, String newPin) {
        return new CommandAPDU(CLA_ISO, INS_CHANGE_PIN, 0x00, PIN_REFERENCE, data(withLength(ascii(oldPin)), ascii(newPin)));
    }

    public static CommandAPDU putHolder(String name) {
        return new CommandAPDU(CLA_PROPRIETARY, INS_PUT_DATA, 0x00, DATA_HOLDER, name.getBytes(StandardCharsets.UTF_8));
    }

    public static CommandAPDU initializeUpdate(String domain, byte[] hostChallenge) {
        return new CommandAPDU(CLA_PROPRIETARY, INS_INITIALIZE_UPDATE, 0x00, 0x00, data(id(domain), hostChallenge), 256);
    }

    /** Unwrapped: the session adds the C-MAC. */
    public static CommandAPDU externalAuthenticate(byte[] hostCryptogram) {
        return secure(INS_EXTERNAL_AUTHENTICATE, 0x00, hostCryptogram);
    }

    public static CommandAPDU createDomain(String domain, byte[] encryptedKey) {
        return secure(INS_CREATE_DOMAIN, 0x00, data(id(domain), encryptedKey));
    }

    public static CommandAPDU deleteDomain(String domain) {
        return secure(INS_DELETE_DOMAIN, 0x00, id(domain));
    }

    public static CommandAPDU resetRetryCounter(String newPin) {
        return secure(INS_RESET_RETRY_COUNTER, PIN_REFERENCE, ascii(newPin));
    }

    public static CommandAPDU createRecord(int recordId, KeyType keyType, Instrument instrument, Access access, String name, byte[] account) {
        return secure(INS_CREATE_RECORD, 0x00, data(new byte[] {(byte) recordId, keyType.code(), instrument.code()}, access.encode(),
                withLength(name.getBytes(StandardCharsets.UTF_8)), withLength(account)));
    }

    public static CommandAPDU setAccess(int recordId, Access access) {
        return secure(INS_SET_ACCESS, 0x00, data(new byte[] {(byte) recordId}, access.encode()));
    }

    /** CLA {@code 80} when the record's UPDATE condition asks no session; CLA {@code 84} (then wrapped) under its provider's session. */
    public static CommandAPDU updateRecord(boolean secure, String domain, int recordId, byte[] account) {
        byte[] data = data(id(domain), new byte[] {(byte) recordId}, account);
        return secure ? secure(INS_UPDATE_RECORD, 0x00, data) : new CommandAPDU(CLA_PROPRIETARY, INS_UPDATE_RECORD, 0x00, 0x00, data);
    }

    public static CommandAPDU readRecord(String domain, int recordId) {
        return readRecord(false, domain, recordId);
    }

    /** CLA {@code 84} (then wrapped) under the record's provider's session: the only way to meet a PROVIDER condition. */
    public static CommandAPDU readRecord(boolean secure, String domain, int recordId) {
        return new CommandAPDU(secure ? CLA_SECURE : CLA_ISO, INS_READ_RECORD, 0x00, 0x00, data(id(domain), new byte[] {(byte) recordId}), 256);
    }

    public static CommandAPDU sign(String domain, int recordId, byte[] hash) {
        return sign(false, domain, recordId, hash);
    }

    public static CommandAPDU sign(boolean secure, String domain, int recordId, byte[] hash) {
        return new CommandAPDU(secure ? CLA_SECURE : CLA_PROPRIETARY, INS_SIGN, 0x9E, 0x9A, data(id(domain), new byte[] {(byte) recordId}, hash), 256);
    }

    public static CommandAPDU agree(String domain, int recordId, byte[] point) {
        return agree(false, domain, recordId, point);
    }

    public static CommandAPDU agree(boolean secure, String domain, int recordId, byte[] point) {
        return new CommandAPDU(secure ? CLA_SECURE : CLA_PROPRIETARY, INS_AGREE, 0x00, 0x00, data(id(domain), new byte[] {(byte) recordId}, point), 256);
    }

    private static CommandAPDU secure(int ins, int p2, byte[] data) {
        return new CommandAPDU(CLA_SECURE, ins, 0x00, p2, data);
    }

    /** A domain id: its length, then its ASCII. */
    static byte[] id(String domain) {
        return withLength(ascii(domain));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] withLength(byte[] bytes) {
        return data(new byte[] {(byte) bytes.length}, bytes);
    }

    static byte[] data(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
