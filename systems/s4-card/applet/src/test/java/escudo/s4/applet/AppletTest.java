package escudo.s4.applet;

import static escudo.s4.protocol.CardCommands.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.P256;
import escudo.s4.protocol.SecureChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.crypto.KeyAgreement;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applet in jCardSim, driven through {@link SimulatedCard} with the terminal's own
 * {@link CardCommands} and {@link SecureChannel}. Every scenario runs on the applet and on the
 * software secure element, and both cards must answer each step with the same status word (and,
 * where the answer is not random, the same bytes): one protocol, two cards (docs/s4-card.md).
 */
class AppletTest {

    private static final String ISSUER = "escudo-issuer";
    private static final byte[] ISSUER_KEY = HexFormat.of().parseHex("404142434445464748494a4b4c4d4e4f");
    private static final byte[] BANK_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final byte[] SHOP_KEY = HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100");
    private static final String HOLDER = "Ana Muñoz";
    private static final String PIN = "1234";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Signs with the PIN, reads and updates under its provider's session. */
    private static final Access SIGNING_ACCESS = new Access(Condition.ALWAYS, Condition.PIN, Condition.PROVIDER);
    private static final Access AGREEMENT_ACCESS = new Access(Condition.PIN, Condition.ALWAYS, Condition.NEVER);
    private static final Access HIDDEN = new Access(Condition.NEVER, Condition.NEVER, Condition.NEVER);

    @TempDir
    Path dir;

    private int softwareCards;

    @Test
    void selectAndCardData() {
        onBothCards(t -> {
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "GET DATA before any SELECT", getData(DATA_CARD));
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "unknown INS before any SELECT", new CommandAPDU(0x80, 0x44, 0, 0));
            t.expect(CardStatus.NOT_FOUND, "SELECT of another AID", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x00, new byte[] {(byte) 0xF0, 1, 2, 3, 4, 5}));
            t.expect(CardStatus.NOT_FOUND, "SELECT of a prefix of the AID", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x00, Arrays.copyOf(AID, 5)));
            t.expect(CardStatus.NOT_FOUND, "SELECT of the AID and a byte more", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x00, Arrays.copyOf(AID, 10)));
            t.expect(CardStatus.NOT_FOUND, "SELECT without an AID", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x00, 256));
            t.expect(CardStatus.WRONG_P1P2, "SELECT by file id", new CommandAPDU(0x00, INS_SELECT, 0x00, 0x00, AID));
            t.expect(CardStatus.WRONG_P1P2, "SELECT, no answer wanted", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x0C, AID));
            t.expect(CardStatus.UNKNOWN_CLASS, "SELECT in a proprietary class", new CommandAPDU(0x80, INS_SELECT, 0x04, 0x00, AID));
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "a refused SELECT selects nothing", getData(DATA_CARD));

            byte[] cardData = t.expectRandom(CardStatus.DONE, "SELECT", select());
            assertEquals(10, cardData.length, "serial (8) ‖ version ‖ suite");
            assertEquals(PROTOCOL_VERSION, cardData[8]);
            assertEquals(SUITE_P256_AES, cardData[9]);
            assertArrayEquals(cardData, t.expectRandom(CardStatus.DONE, "GET DATA card", getData(DATA_CARD)));
            t.expect(CardStatus.DONE, "GET DATA domains: none yet", getData(DATA_DOMAINS));
            t.expect(CardStatus.WRONG_LENGTH, "GET DATA card with data", new CommandAPDU(0x80, INS_GET_DATA, 0, DATA_CARD, new byte[1], 256));
            t.expect(CardStatus.WRONG_P1P2, "GET DATA, P1 01", new CommandAPDU(0x80, INS_GET_DATA, 1, DATA_CARD, 256));
            t.expect(CardStatus.WRONG_P1P2, "GET DATA of tag 09", getData(0x09));
            t.expect(CardStatus.UNKNOWN_CLASS, "GET DATA in class 00", new CommandAPDU(0x00, INS_GET_DATA, 0, DATA_CARD, 256));
            t.expect(CardStatus.UNKNOWN_CLASS, "GET DATA in class 84", new CommandAPDU(0x84, INS_GET_DATA, 0, DATA_CARD, 256));
            t.expect(CardStatus.UNKNOWN_INSTRUCTION, "INS 44", new CommandAPDU(0x80, 0x44, 0, 0));
            t.expect(CardStatus.UNKNOWN_INSTRUCTION, "INS C0 (GET RESPONSE)", new CommandAPDU(0x00, 0xC0, 0, 0, 256));

            t.card.close();
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "a card out of the reader is selected no more", getData(DATA_CARD));
            assertArrayEquals(cardData, t.expectRandom(CardStatus.DONE, "SELECT again", select()), "the same card");
        });
    }

    @Test
    void eachCardDrawsItsOwnSerial() {
        try (SimulatedCard one = SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, PIN);
                SimulatedCard two = SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, PIN)) {
            assertFalse(Arrays.equals(one.transmit(select()).getData(), two.transmit(select()).getData()));
        }
    }

    @Test
    void wrongPinsCountDownToBlockedAndTheIssuerUnblocks() {
        onBothCards(t -> {
            t.select();
            t.expect(CardStatus.SECURITY_STATUS, "GET DATA holder without the PIN", getData(DATA_HOLDER));
            t.expect(0x63C2, "a wrong PIN", verify("9999"));
            t.expect(0x63C1, "another wrong PIN", verify("99999"));
            t.expect(CardStatus.WRONG_DATA, "three digits: no try spent", verify("123"));
            t.expect(CardStatus.WRONG_DATA, "thirteen digits", verify("1234567890123"));
            t.expect(CardStatus.WRONG_DATA, "not digits", verify("12a4"));
            t.expect(CardStatus.WRONG_P1P2, "VERIFY of reference 80", new CommandAPDU(0x00, INS_VERIFY, 0, 0x80, PIN.getBytes(StandardCharsets.US_ASCII)));
            t.expect(CardStatus.UNKNOWN_CLASS, "VERIFY in class 80", new CommandAPDU(0x80, INS_VERIFY, 0, PIN_REFERENCE, PIN.getBytes(StandardCharsets.US_ASCII)));
            t.expect(CardStatus.DONE, "the right PIN", verify(PIN));
            t.expect(CardStatus.DONE, "GET DATA holder", getData(DATA_HOLDER));
            assertArrayEquals(HOLDER.getBytes(StandardCharsets.UTF_8), t.last.getData());

            t.expect(0x63C2, "the right PIN gave all the tries back", verify("0000"));
            t.expect(CardStatus.SECURITY_STATUS, "a wrong PIN ends the verification", getData(DATA_HOLDER));
            t.expect(0x63C1, "wrong", verify("0000"));
            t.expect(0x63C0, "wrong, no try left", verify("0000"));
            t.expect(CardStatus.PIN_BLOCKED, "blocked: even the right PIN", verify(PIN));
            t.expect(CardStatus.PIN_BLOCKED, "blocked: CHANGE REFERENCE DATA too", changePin(PIN, "5678"));
            t.expect(CardStatus.WRONG_DATA, "a malformed PIN is malformed first", verify("12"));

            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.WRONG_DATA, "RESET RETRY COUNTER to a malformed PIN", resetRetryCounter("12"));
            t.secure(CardStatus.DONE, "RESET RETRY COUNTER", resetRetryCounter("24680"));
            t.expect(CardStatus.DONE, "the new PIN", verify("24680"));
            t.expect(0x63C2, "all tries back", verify(PIN));
        });
    }

    @Test
    void theHolderChangesThePin() {
        onBothCards(t -> {
            t.select();
            t.expect(0x63C2, "CHANGE REFERENCE DATA with a wrong old PIN", changePin("0000", "5678"));
            t.expect(CardStatus.WRONG_DATA, "to a malformed new PIN: no try spent", changePin(PIN, "56a8"));
            t.expect(CardStatus.WRONG_DATA, "an old PIN longer than 12", new CommandAPDU(0x00, INS_CHANGE_PIN, 0, PIN_REFERENCE, concat(new byte[] {13}, new byte[17])));
            t.expect(CardStatus.WRONG_LENGTH, "no data", new CommandAPDU(0x00, INS_CHANGE_PIN, 0, PIN_REFERENCE));
            t.expect(CardStatus.WRONG_LENGTH, "an old PIN cut short", new CommandAPDU(0x00, INS_CHANGE_PIN, 0, PIN_REFERENCE, concat(new byte[] {5}, ascii("1234"))));
            t.expect(CardStatus.WRONG_P1P2, "P1 01", new CommandAPDU(0x00, INS_CHANGE_PIN, 1, PIN_REFERENCE, changePin(PIN, "5678").getData()));
            t.expect(CardStatus.DONE, "CHANGE REFERENCE DATA", changePin(PIN, "567890"));
            t.expect(CardStatus.DONE, "the holder is verified", getData(DATA_HOLDER));
            t.expect(0x63C2, "the old PIN is gone", verify(PIN));
            t.expect(CardStatus.DONE, "the new PIN, all its tries", verify("567890"));
        });
    }

    @Test
    void holderDataNeedsThePin() {
        onBothCards(t -> {
            t.select();
            t.expect(CardStatus.SECURITY_STATUS, "PUT DATA holder without the PIN", putHolder("Eve"));
            t.verify();
            t.expect(CardStatus.WRONG_P1P2, "PUT DATA of tag 01", new CommandAPDU(0x80, INS_PUT_DATA, 0, DATA_CARD, ascii("Eve")));
            t.expect(CardStatus.WRONG_LENGTH, "a name of 49 bytes", putHolder("x".repeat(49)));
            for (String bad : List.of("c080", "ed a080", "f4908080", "e282", "ff", "80", "f0808080")) {
                t.expect(CardStatus.WRONG_DATA, "not UTF-8: " + bad, new CommandAPDU(0x80, INS_PUT_DATA, 0, DATA_HOLDER, HexFormat.of().parseHex(bad.replace(" ", ""))));
            }
            t.expect(CardStatus.DONE, "GET DATA holder: unchanged", getData(DATA_HOLDER));
            t.expect(CardStatus.DONE, "PUT DATA holder: 48 bytes of UTF-8", putHolder("Zoë 😀 " + "é".repeat(19)));
            t.expect(CardStatus.DONE, "GET DATA holder", getData(DATA_HOLDER));
            assertEquals("Zoë 😀 " + "é".repeat(19), new String(t.last.getData(), StandardCharsets.UTF_8));
            t.expect(CardStatus.DONE, "PUT DATA holder: empty", putHolder(""));
            t.expect(CardStatus.DONE, "GET DATA holder: empty", getData(DATA_HOLDER));

            t.card.close();
            t.select();
            t.expect(CardStatus.SECURITY_STATUS, "a card out of the reader forgets the PIN", getData(DATA_HOLDER));
        });
    }

    @Test
    void theIssuerLoadsAndDeletesProviders() {
        onBothCards(t -> {
            t.select();
            t.expect(CardStatus.NOT_FOUND, "INITIALIZE UPDATE of an unknown domain", initializeUpdate("bank", new byte[8]));
            t.expect(CardStatus.WRONG_DATA, "a domain id with '_'", initializeUpdate("bank_a", new byte[8]));
            t.expect(CardStatus.WRONG_DATA, "an empty domain id", initializeUpdate("", new byte[8]));
            t.expect(CardStatus.WRONG_DATA, "a domain id of 17", initializeUpdate("a".repeat(17), new byte[8]));
            t.expect(CardStatus.WRONG_LENGTH, "a host challenge of 7", initializeUpdate(ISSUER, new byte[7]));
            t.expect(CardStatus.WRONG_LENGTH, "a host challenge of 9", initializeUpdate(ISSUER, new byte[9]));
            t.expect(CardStatus.WRONG_P1P2, "INITIALIZE UPDATE, key version 01", new CommandAPDU(0x80, INS_INITIALIZE_UPDATE, 1, 0, initializeUpdate(ISSUER, new byte[8]).getData(), 256));
            t.secure(CardStatus.SECURITY_STATUS, "CREATE DOMAIN without a session", createDomain("bank", new byte[16]));

            SecureChannel issuer = t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "CREATE DOMAIN bank", createDomain("bank", issuer.encryptKey(BANK_KEY)));
            t.secure(CardStatus.ALREADY_EXISTS, "CREATE DOMAIN bank again", createDomain("bank", issuer.encryptKey(SHOP_KEY)));
            t.secure(CardStatus.ALREADY_EXISTS, "CREATE DOMAIN of the issuer's id", createDomain(ISSUER, issuer.encryptKey(SHOP_KEY)));
            t.secure(CardStatus.WRONG_LENGTH, "CREATE DOMAIN, a key of 15", secureCommand(INS_CREATE_DOMAIN, concat(id("shop"), new byte[15])));
            t.secure(CardStatus.WRONG_LENGTH, "CREATE DOMAIN, a byte after the key", secureCommand(INS_CREATE_DOMAIN, concat(id("shop"), new byte[17])));
            t.secure(CardStatus.WRONG_DATA, "CREATE DOMAIN, an id with a space", createDomain("my shop", new byte[16]));
            t.secure(CardStatus.WRONG_P1P2, "CREATE DOMAIN, P1 01", new CommandAPDU(CLA_SECURE, INS_CREATE_DOMAIN, 1, 0, concat(id("shop"), new byte[16])));
            t.secure(CardStatus.DONE, "CREATE DOMAIN shop", createDomain("shop", issuer.encryptKey(SHOP_KEY)));
            t.secure(CardStatus.DONE, "CREATE DOMAIN transit", createDomain("transit", issuer.encryptKey(SHOP_KEY)));
            t.secure(CardStatus.DONE, "CREATE DOMAIN a-16-letter-name", createDomain("sixteen-letters-", issuer.encryptKey(SHOP_KEY)));
            t.secure(CardStatus.NO_ROOM, "a fifth domain", createDomain("fifth", issuer.encryptKey(SHOP_KEY)));
            t.expect(CardStatus.DONE, "GET DATA domains: four", getData(DATA_DOMAINS));
            t.secure(CardStatus.NOT_FOUND, "DELETE DOMAIN of an unknown one", deleteDomain("fifth"));
            t.secure(CardStatus.DONE, "DELETE DOMAIN transit", deleteDomain("transit"));
            t.expect(CardStatus.DONE, "GET DATA domains: three", getData(DATA_DOMAINS));
            t.secure(CardStatus.DONE, "a domain in transit's place", createDomain("fifth", issuer.encryptKey(SHOP_KEY)));
            t.expect(CardStatus.DONE, "GET DATA domains: the new one last", getData(DATA_DOMAINS));
            t.secure(CardStatus.SECURITY_STATUS, "CREATE RECORD under the issuer's session", createRecord(1, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[0]));
            t.secure(CardStatus.SECURITY_STATUS, "the session is closed", deleteDomain("fifth"));

            t.open("bank", BANK_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "a provider's CREATE DOMAIN", createDomain("mine", new byte[16]));
            t.secure(CardStatus.SECURITY_STATUS, "the provider's session is closed", createRecord(1, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[0]));
            t.open("bank", BANK_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "a provider's RESET RETRY COUNTER", resetRetryCounter("1111"));
            t.expect(0x63C2, "the PIN is the holder's still", verify("1111"));
        });
    }

    @Test
    void sessionsRefuseWhatTheyDidNotAuthenticate() {
        onBothCards(t -> {
            t.select();
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "EXTERNAL AUTHENTICATE without INITIALIZE UPDATE",
                    SecureChannel.derive(ISSUER_KEY, new byte[8], new byte[8]).wrap(externalAuthenticate(new byte[8])));
            t.expect(CardStatus.UNKNOWN_CLASS, "EXTERNAL AUTHENTICATE in class 80", new CommandAPDU(0x80, INS_EXTERNAL_AUTHENTICATE, 0, 0, new byte[16]));

            byte[] host = challenge();
            SecureChannel wrongKey = t.initializeUpdate(ISSUER, BANK_KEY, host);
            assertFalse(wrongKey.isCardCryptogram(Arrays.copyOfRange(t.last.getData(), 8, 16)), "the host checks the card cryptogram");
            t.expect(CardStatus.BAD_MAC, "EXTERNAL AUTHENTICATE under the wrong key", wrongKey.wrap(externalAuthenticate(wrongKey.hostCryptogram())));
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "and its INITIALIZE UPDATE is spent", wrongKey.wrap(externalAuthenticate(wrongKey.hostCryptogram())));

            SecureChannel channel = t.initializeUpdate(ISSUER, ISSUER_KEY, challenge());
            t.expect(CardStatus.WRONG_P1P2, "EXTERNAL AUTHENTICATE, security level 33", new CommandAPDU(CLA_SECURE, INS_EXTERNAL_AUTHENTICATE, 0x33, 0, new byte[16]));
            t.expect(CardStatus.BAD_MAC, "a wrong host cryptogram", channel.wrap(externalAuthenticate(new byte[8])));

            channel = t.initializeUpdate(ISSUER, ISSUER_KEY, challenge());
            CommandAPDU authenticate = channel.wrap(externalAuthenticate(channel.hostCryptogram()));
            t.expect(CardStatus.DONE, "EXTERNAL AUTHENTICATE", authenticate);
            t.channel = channel;
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "replayed at once: no INITIALIZE UPDATE before it", authenticate);
            t.secure(CardStatus.NOT_FOUND, "the session is open still", deleteDomain("none"));
            t.initializeUpdate(ISSUER, ISSUER_KEY, challenge());
            t.expect(CardStatus.BAD_MAC, "replayed after a new INITIALIZE UPDATE", authenticate);

            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "CREATE DOMAIN bank", createDomain("bank", t.channel.encryptKey(BANK_KEY)));
            CommandAPDU next = t.channel.wrap(createDomain("shop", t.channel.encryptKey(SHOP_KEY)));
            byte[] altered = next.getBytes();
            altered[altered.length - 2] ^= 1; // the C-MAC's last byte, before Le
            t.expect(CardStatus.BAD_MAC, "an altered C-MAC", new CommandAPDU(altered));
            t.expect(CardStatus.SECURITY_STATUS, "the session closed", next);
            t.expect(CardStatus.DONE, "GET DATA domains: no shop", getData(DATA_DOMAINS));

            t.open(ISSUER, ISSUER_KEY);
            byte[] data = createDomain("shop", t.channel.encryptKey(SHOP_KEY)).getData();
            CommandAPDU wrapped = t.channel.wrap(new CommandAPDU(CLA_SECURE, INS_CREATE_DOMAIN, 0, 0, data));
            byte[] changed = wrapped.getData();
            changed[2] ^= 0x20; // "shop" becomes "sHop", the MAC unchanged
            t.expect(CardStatus.BAD_MAC, "an altered command", new CommandAPDU(CLA_SECURE, INS_CREATE_DOMAIN, 0, 0, changed, 256));
            t.expect(CardStatus.DONE, "GET DATA domains: still no shop", getData(DATA_DOMAINS));

            t.open(ISSUER, ISSUER_KEY);
            CommandAPDU first = t.channel.wrap(createDomain("shop", t.channel.encryptKey(SHOP_KEY)));
            CommandAPDU second = t.channel.wrap(deleteDomain("bank"));
            t.expect(CardStatus.BAD_MAC, "commands out of order", second);
            t.expect(CardStatus.SECURITY_STATUS, "the session closed", first);
            t.open(ISSUER, ISSUER_KEY);
            t.expect(CardStatus.BAD_MAC, "a command too short for a C-MAC", new CommandAPDU(CLA_SECURE, INS_DELETE_DOMAIN, 0, 0, new byte[7]));
            t.secure(CardStatus.SECURITY_STATUS, "the session closed", deleteDomain("bank"));
            t.open(ISSUER, ISSUER_KEY);
            t.expect(CardStatus.BAD_MAC, "a secure command without data", new CommandAPDU(CLA_SECURE, INS_DELETE_DOMAIN, 0, 0, 256));

            t.open(ISSUER, ISSUER_KEY);
            t.card.close();
            t.select();
            t.secure(CardStatus.SECURITY_STATUS, "a card out of the reader forgets the session", createDomain("shop", new byte[16]));
            t.open(ISSUER, ISSUER_KEY);
            t.select();
            t.secure(CardStatus.SECURITY_STATUS, "so does a new SELECT", createDomain("shop", new byte[16]));
            t.open(ISSUER, ISSUER_KEY);
            t.expect(CardStatus.NOT_FOUND, "a SELECT that fails keeps the session", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x00, new byte[] {1, 2, 3, 4, 5}));
            t.expect(CardStatus.NOT_FOUND, "so does a SELECT of a prefix of the AID", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x00, Arrays.copyOf(AID, 5)));
            t.expect(CardStatus.WRONG_P1P2, "and one with P2 0C", new CommandAPDU(0x00, INS_SELECT, 0x04, 0x0C, AID));
            t.secure(CardStatus.DONE, "CREATE DOMAIN shop", createDomain("shop", t.channel.encryptKey(SHOP_KEY)));
        });
    }

    @Test
    void providersCreateRecordsWhoseKeysSignAndAgree() {
        onBothCards(t -> {
            t.select();
            SecureChannel issuer = t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "CREATE DOMAIN bank", createDomain("bank", issuer.encryptKey(BANK_KEY)));
            t.secure(CardStatus.DONE, "CREATE DOMAIN shop", createDomain("shop", issuer.encryptKey(SHOP_KEY)));

            t.open("bank", BANK_KEY);
            byte[] signing = t.secureRandom(CardStatus.DONE, "CREATE RECORD 7, signing",
                    createRecord(7, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "Débito", ascii("ES91 2100 0418 4502 0005 1332")));
            ECPublicKey signingKey = P256.decode(signing);
            byte[] agreement = t.secureRandom(CardStatus.DONE, "CREATE RECORD 3, agreement",
                    createRecord(3, KeyType.AGREEMENT, Instrument.IDENTITY, AGREEMENT_ACCESS, "eID", new byte[64]));
            ECPublicKey agreementKey = P256.decode(agreement);
            assertFalse(Arrays.equals(signing, agreement), "each record has a key pair of its own");
            t.secureRandom(CardStatus.DONE, "CREATE RECORD 200, hidden", createRecord(200, KeyType.SIGNING, Instrument.LOYALTY, HIDDEN, "", new byte[0]));
            t.secureRandom(CardStatus.DONE, "CREATE RECORD 1", createRecord(1, KeyType.SIGNING, Instrument.TICKET, SIGNING_ACCESS, "Metro", new byte[] {1}));
            t.secure(CardStatus.NO_ROOM, "a fifth record", createRecord(9, KeyType.SIGNING, Instrument.CREDIT, SIGNING_ACCESS, "x", new byte[0]));
            t.secure(CardStatus.ALREADY_EXISTS, "a record id in use", createRecord(7, KeyType.SIGNING, Instrument.CREDIT, SIGNING_ACCESS, "x", new byte[0]));
            t.read("READ RECORD 7 (ALWAYS)", readRecord("bank", 7));
            byte[] read = t.last.getData();
            assertArrayEquals(concat(new byte[] {7, 1, 1, 0, 1, 2}, withLength("Débito".getBytes(StandardCharsets.UTF_8)),
                    withLength(ascii("ES91 2100 0418 4502 0005 1332")), signing), read);

            t.expect(CardStatus.DONE, "GET DATA records under bank's session", records("bank"));
            t.expect(CardStatus.SECURITY_STATUS, "READ RECORD 3 needs the PIN", readRecord("bank", 3));
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "READ RECORD 200 is NEVER", readRecord("bank", 200));
            t.expect(CardStatus.NOT_FOUND, "READ RECORD 8", readRecord("bank", 8));
            t.expect(CardStatus.NOT_FOUND, "READ RECORD 0", readRecord("bank", 0));
            t.expect(CardStatus.NOT_FOUND, "READ RECORD of shop", readRecord("shop", 7));
            t.expect(CardStatus.NOT_FOUND, "READ RECORD of no domain", readRecord("none", 7));
            t.expect(CardStatus.WRONG_LENGTH, "READ RECORD without a record id", new CommandAPDU(0x00, INS_READ_RECORD, 0, 0, id("bank"), 256));
            t.expect(CardStatus.NOT_FOUND, "READ RECORD of no domain, no record id", new CommandAPDU(0x00, INS_READ_RECORD, 0, 0, id("none"), 256));
            t.expect(CardStatus.WRONG_LENGTH, "READ RECORD with a byte more", new CommandAPDU(0x00, INS_READ_RECORD, 0, 0, concat(id("bank"), new byte[] {7, 0}), 256));
            t.expect(CardStatus.WRONG_P1P2, "READ RECORD, P1 07", new CommandAPDU(0x00, INS_READ_RECORD, 7, 0, concat(id("bank"), new byte[] {7}), 256));
            t.expect(CardStatus.UNKNOWN_CLASS, "READ RECORD in class 80", new CommandAPDU(0x80, INS_READ_RECORD, 0, 0, concat(id("bank"), new byte[] {7}), 256));

            byte[] message = ascii("pay 12.50 EUR to shop, nonce 42");
            byte[] hash = sha256(message);
            t.expect(CardStatus.SECURITY_STATUS, "SIGN needs the PIN", sign("bank", 7, hash));
            t.verify();
            t.expect(CardStatus.DONE, "GET DATA records with the PIN", records("bank"));
            byte[] signature = t.expectSignature("SIGN", sign("bank", 7, hash));
            assertTrue(verifies("NONEwithECDSA", signingKey, hash, signature), "ECDSA over the hash");
            assertTrue(verifies("SHA256withECDSA", signingKey, message, signature), "ECDSA over the message");
            assertFalse(verifies("SHA256withECDSA", agreementKey, message, signature), "by record 7's key only");
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "SIGN with an agreement key", sign("bank", 3, hash));
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "SIGN with a NEVER key", sign("bank", 200, hash));
            t.expect(CardStatus.WRONG_LENGTH, "SIGN a hash of 31", sign("bank", 7, Arrays.copyOf(hash, 31)));
            t.expect(CardStatus.WRONG_LENGTH, "SIGN a hash of 33", sign("bank", 7, Arrays.copyOf(hash, 33)));
            t.expect(CardStatus.WRONG_P1P2, "SIGN, P1P2 0000", new CommandAPDU(0x80, INS_SIGN, 0, 0, sign("bank", 7, hash).getData(), 256));
            t.expect(CardStatus.NOT_FOUND, "SIGN with no record", sign("bank", 9, hash));

            KeyPair peer = p256();
            byte[] secret = t.expectRandom(CardStatus.DONE, "AGREE", agree("bank", 3, P256.encode((ECPublicKey) peer.getPublic())));
            assertArrayEquals(ecdh(peer, agreementKey), secret, "the host's own ECDH");
            t.expect(CardStatus.CONDITIONS_NOT_SATISFIED, "AGREE with a signing key", agree("bank", 7, P256.encode((ECPublicKey) peer.getPublic())));
            byte[] offCurve = P256.encode((ECPublicKey) peer.getPublic());
            offCurve[64] ^= 1;
            t.expect(CardStatus.WRONG_DATA, "AGREE with a point off the curve", agree("bank", 3, offCurve));
            byte[] compressed = P256.encode((ECPublicKey) peer.getPublic());
            compressed[0] = 0x02;
            t.expect(CardStatus.WRONG_DATA, "AGREE with a point not uncompressed", agree("bank", 3, compressed));
            byte[] beyond = new byte[65];
            Arrays.fill(beyond, (byte) 0xFF);
            beyond[0] = 0x04;
            t.expect(CardStatus.WRONG_DATA, "AGREE with coordinates beyond p", agree("bank", 3, beyond));
            t.expect(CardStatus.WRONG_LENGTH, "AGREE with a point of 64", agree("bank", 3, Arrays.copyOf(offCurve, 64)));

            t.card.close();
            t.select();
            t.expect(CardStatus.DONE, "GET DATA records with neither PIN nor session", records("bank"));
            t.expect(CardStatus.DONE, "GET DATA records of shop: none", records("shop"));
            t.expect(CardStatus.NOT_FOUND, "GET DATA records of no domain", records("none"));
            t.expect(CardStatus.WRONG_DATA, "GET DATA records, a malformed id", records("b@nk"));
            t.expect(CardStatus.WRONG_LENGTH, "GET DATA records, a byte more", new CommandAPDU(0x80, INS_GET_DATA, 0, DATA_RECORDS, concat(id("bank"), new byte[1]), 256));
            t.expect(CardStatus.WRONG_LENGTH, "GET DATA records, no id", getData(DATA_RECORDS));
        });
    }

    @Test
    void recordsAreWrittenOnlyAsTheirConditionsSay() {
        onBothCards(t -> {
            t.select();
            SecureChannel issuer = t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "CREATE DOMAIN bank", createDomain("bank", issuer.encryptKey(BANK_KEY)));
            t.secure(CardStatus.DONE, "CREATE DOMAIN shop", createDomain("shop", issuer.encryptKey(SHOP_KEY)));
            t.open("shop", SHOP_KEY);
            t.secureRandom(CardStatus.DONE, "shop's CREATE RECORD 1", createRecord(1, KeyType.SIGNING, Instrument.LOYALTY,
                    new Access(Condition.ALWAYS, Condition.ALWAYS, Condition.ALWAYS), "Points", new byte[] {0}));
            t.expect(CardStatus.DONE, "GET DATA domains: in creation order, shop's record changes nothing", getData(DATA_DOMAINS));
            assertArrayEquals(concat(new byte[] {2}, id("bank"), id("shop")), t.last.getData(), t.name);

            t.open("bank", BANK_KEY);
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, key type 3", createRecordData(concat(new byte[] {5, 3, 1, 0, 0, 0}, withLength(ascii("x")), withLength(new byte[0]))));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, key type 3, cut short", createRecordData(new byte[] {5, 3}));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, instrument 0", createRecordData(concat(new byte[] {5, 1, 0, 0, 0, 0}, withLength(ascii("x")), withLength(new byte[0]))));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, instrument 7", createRecordData(concat(new byte[] {5, 1, 7, 0, 0, 0}, withLength(ascii("x")), withLength(new byte[0]))));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, condition 4", createRecordData(concat(new byte[] {5, 1, 1, 0, 4, 0}, withLength(ascii("x")), withLength(new byte[0]))));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, a name of 33", createRecord(5, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "n".repeat(33), new byte[0]));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, a name not UTF-8", createRecordData(concat(new byte[] {5, 1, 1, 0, 0, 0, 2, (byte) 0xC3, 0x28})));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, account of 65", createRecord(5, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[65]));
            t.secure(CardStatus.WRONG_LENGTH, "CREATE RECORD, the account cut short", createRecordData(concat(new byte[] {5, 1, 1, 0, 0, 0}, withLength(ascii("x")), new byte[] {4, 1, 2})));
            t.secure(CardStatus.WRONG_LENGTH, "CREATE RECORD, a byte more", createRecordData(concat(new byte[] {5, 1, 1, 0, 0, 0}, withLength(ascii("x")), withLength(new byte[0]), new byte[1])));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, record id 0", createRecord(0, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[0]));
            t.secureRandom(CardStatus.DONE, "CREATE RECORD 2", createRecord(2, KeyType.SIGNING, Instrument.CREDIT, SIGNING_ACCESS, "Visa", ascii("4111")));
            t.secureRandom(CardStatus.DONE, "CREATE RECORD 4", createRecord(4, KeyType.AGREEMENT, Instrument.STORED_VALUE,
                    new Access(Condition.ALWAYS, Condition.ALWAYS, Condition.PIN), "Purse", new byte[0]));
            t.expect(CardStatus.DONE, "GET DATA domains: still in creation order", getData(DATA_DOMAINS));
            assertArrayEquals(concat(new byte[] {2}, id("bank"), id("shop")), t.last.getData(), t.name);

            t.secure(CardStatus.SECURITY_STATUS, "bank writes shop's record", updateRecord(true, "shop", 1, ascii("stolen")));
            t.secure(CardStatus.SECURITY_STATUS, "the session closed", updateRecord(true, "bank", 2, ascii("4222")));
            t.read("READ RECORD shop 1: unchanged", readRecord("shop", 1));

            t.open("bank", BANK_KEY);
            t.secure(CardStatus.DONE, "UPDATE RECORD 2 under bank's session", updateRecord(true, "bank", 2, ascii("4222 3333")));
            t.expect(CardStatus.SECURITY_STATUS, "UPDATE RECORD 2 (PROVIDER), class 80, bank's session open", updateRecord(false, "bank", 2, ascii("4333")));
            t.secure(CardStatus.WRONG_LENGTH, "UPDATE RECORD, account of 65", updateRecord(true, "bank", 2, new byte[65]));
            t.secure(CardStatus.NOT_FOUND, "UPDATE RECORD 9", updateRecord(true, "bank", 9, new byte[1]));
            t.secure(CardStatus.DONE, "SET ACCESS 2: UPDATE NEVER", setAccess(2, new Access(Condition.ALWAYS, Condition.PIN, Condition.NEVER)));
            t.secure(CardStatus.CONDITIONS_NOT_SATISFIED, "UPDATE RECORD 2 is NEVER now", updateRecord(true, "bank", 2, new byte[1]));
            t.secure(CardStatus.NOT_FOUND, "SET ACCESS of no record", setAccess(8, HIDDEN));
            t.secure(CardStatus.WRONG_DATA, "SET ACCESS, condition 9", setAccessData(new byte[] {2, 0, 9, 0}));
            t.secure(CardStatus.WRONG_LENGTH, "SET ACCESS, a condition short", setAccessData(new byte[] {2, 0, 1}));
            t.secure(CardStatus.DONE, "SET ACCESS 4: all PROVIDER", setAccess(4, new Access(Condition.PROVIDER, Condition.PROVIDER, Condition.PROVIDER)));
            t.read("READ RECORD 2", readRecord("bank", 2));
            t.expect(CardStatus.SECURITY_STATUS, "READ RECORD 4 (PROVIDER), class 00, bank's session open", readRecord("bank", 4));
            t.read("READ RECORD 4, class 84, bank's session", t.wrap(readRecord(true, "bank", 4)));
            t.expect(CardStatus.DONE, "GET DATA records of bank, its session open: no PROVIDER record", records("bank"));
            assertArrayEquals(concat(new byte[] {1, 2}, withLength(ascii("Visa"))), t.last.getData(), t.name);

            t.select();
            t.expect(CardStatus.SECURITY_STATUS, "UPDATE RECORD 4, class 80, no session", updateRecord(false, "bank", 4, new byte[1]));
            t.expect(CardStatus.SECURITY_STATUS, "READ RECORD 4, no session", readRecord("bank", 4));
            t.expect(CardStatus.DONE, "UPDATE RECORD shop 1, class 80, ALWAYS", updateRecord(false, "shop", 1, ascii("100 points")));
            t.read("READ RECORD shop 1", readRecord("shop", 1));
            t.expect(CardStatus.DONE, "GET DATA domains: in creation order", getData(DATA_DOMAINS));
            assertArrayEquals(concat(new byte[] {2}, id("bank"), id("shop")), t.last.getData(), t.name);
            t.expect(CardStatus.DONE, "GET DATA records of bank", records("bank"));
            t.expect(CardStatus.WRONG_P1P2, "UPDATE RECORD in class 80 with P1P2 0506", new CommandAPDU(0x80, INS_UPDATE_RECORD, 5, 6,
                    updateRecord(false, "shop", 1, ascii("200 points")).getData()));
            t.read("READ RECORD shop 1: unchanged", readRecord("shop", 1));

            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "DELETE DOMAIN bank", deleteDomain("bank"));
            t.secure(CardStatus.DONE, "CREATE DOMAIN bank anew", createDomain("bank", t.channel.encryptKey(SHOP_KEY)));
            t.expect(CardStatus.DONE, "GET DATA records of the new bank: none", records("bank"));
            t.open("bank", SHOP_KEY);
            byte[] point = t.secureRandom(CardStatus.DONE, "CREATE RECORD 2 anew", createRecord(2, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "New", new byte[0]));
            P256.decode(point);
            t.expect(CardStatus.DONE, "GET DATA records of the new bank", records("bank"));
        });
    }

    @Test
    void extendedLengthApdusAreParsedLikeShortOnes() {
        onBothCards(t -> {
            t.select();
            t.expectRandom(CardStatus.DONE, "GET DATA card, Le of 65536", new CommandAPDU(0x80, INS_GET_DATA, 0, DATA_CARD, 65536));
            t.expect(CardStatus.SECURITY_STATUS, "PUT DATA holder of 300 bytes without the PIN", putHolder("x".repeat(300)));
            t.expect(CardStatus.WRONG_DATA, "VERIFY of 300 digits", verify("1".repeat(300)));
            t.verify();
            t.expect(CardStatus.WRONG_LENGTH, "PUT DATA holder of 300 bytes", putHolder("x".repeat(300)));
            t.expect(CardStatus.WRONG_LENGTH, "UPDATE RECORD of 300 bytes", updateRecord(false, "bank", 1, new byte[300]));
            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "CREATE DOMAIN bank", createDomain("bank", t.channel.encryptKey(BANK_KEY)));
            t.open("bank", BANK_KEY);
            t.secure(CardStatus.WRONG_LENGTH, "SET ACCESS of 300 bytes", setAccessData(new byte[300]));
            t.secure(CardStatus.WRONG_LENGTH, "its C-MAC verified: the session goes on", setAccessData(new byte[] {1, 0, 0, 0, 0}));
            t.secure(CardStatus.WRONG_DATA, "CREATE RECORD, an account of 250", createRecord(1, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[250]));
            t.secureRandom(CardStatus.DONE, "CREATE RECORD 1", createRecord(1, KeyType.SIGNING, Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[0]));
            t.read("READ RECORD 1, Le of 65536", new CommandAPDU(0x00, INS_READ_RECORD, 0, 0, concat(id("bank"), new byte[] {1}), 65536));
        });
    }

    /** Every operation PROVIDER: only its provider's secure commands (CLA 84, C-MAC verified) meet it. */
    private static final Access PROVIDER_ONLY = new Access(Condition.PROVIDER, Condition.PROVIDER, Condition.PROVIDER);

    /** The issuer, then bank and shop as providers; bank's session open at the end, with record 1 (signing) and 2 (agreement), all PROVIDER. */
    private static ECPublicKey[] bankWithProviderRecords(Terminal t) {
        t.select();
        SecureChannel issuer = t.open(ISSUER, ISSUER_KEY);
        t.secure(CardStatus.DONE, "CREATE DOMAIN bank", createDomain("bank", issuer.encryptKey(BANK_KEY)));
        t.secure(CardStatus.DONE, "CREATE DOMAIN shop", createDomain("shop", issuer.encryptKey(SHOP_KEY)));
        t.open("bank", BANK_KEY);
        ECPublicKey signing = P256.decode(t.secureRandom(CardStatus.DONE, "CREATE RECORD 1, signing, PROVIDER",
                createRecord(1, KeyType.SIGNING, Instrument.DEBIT, PROVIDER_ONLY, "Vault", new byte[] {1})));
        ECPublicKey agreement = P256.decode(t.secureRandom(CardStatus.DONE, "CREATE RECORD 2, agreement, PROVIDER",
                createRecord(2, KeyType.AGREEMENT, Instrument.IDENTITY, PROVIDER_ONLY, "Keys", new byte[0])));
        return new ECPublicKey[] {signing, agreement};
    }

    @Test
    void aPlainReadOfAProviderRecordIsRefusedWhileItsSessionIsOpenAndTheSecureReadIsAnswered() {
        onApplet(t -> {
            ECPublicKey signing = bankWithProviderRecords(t)[0];
            t.expect(CardStatus.SECURITY_STATUS, "READ RECORD 1 (PROVIDER), class 00, bank's session open", readRecord("bank", 1));
            t.read("READ RECORD 1, class 84, bank's session", t.wrap(readRecord(true, "bank", 1)));
            assertArrayEquals(concat(new byte[] {1, 1, 1, 2, 2, 2}, withLength(ascii("Vault")), withLength(new byte[] {1}), P256.encode(signing)),
                    t.last.getData(), "the answer of the plain form");
            t.expect(CardStatus.SECURITY_STATUS, "SIGN (PROVIDER), class 80, bank's session open", sign("bank", 1, new byte[32]));
            t.expect(CardStatus.SECURITY_STATUS, "AGREE (PROVIDER), class 80, bank's session open",
                    agree("bank", 2, P256.encode((ECPublicKey) p256().getPublic())));
            t.expect(CardStatus.SECURITY_STATUS, "UPDATE RECORD (PROVIDER), class 80, bank's session open", updateRecord(false, "bank", 1, new byte[] {2}));
            t.expect(CardStatus.DONE, "GET DATA records, always plain: no PROVIDER record, session or not", records("bank"));
            assertArrayEquals(new byte[] {0}, t.last.getData());
            t.read("plain refusals leave the session open", t.wrap(readRecord(true, "bank", 1)));
        });
    }

    @Test
    void aSecureSignByAnotherProvidersSessionIsRefused() {
        onApplet(t -> {
            bankWithProviderRecords(t);
            t.open("shop", SHOP_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "SIGN of bank's record under shop's session", sign(true, "bank", 1, new byte[32]));
            t.secure(CardStatus.SECURITY_STATUS, "shop's session closed", readRecord(true, "shop", 1));
            t.open("shop", SHOP_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "READ RECORD of bank's under shop's session", readRecord(true, "bank", 1));
            t.open("shop", SHOP_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "AGREE of bank's under shop's session", agree(true, "bank", 2, P256.encode((ECPublicKey) p256().getPublic())));
            t.open("shop", SHOP_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "UPDATE RECORD of bank's under shop's session", updateRecord(true, "bank", 1, new byte[1]));
            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "SIGN under the issuer's session", sign(true, "bank", 1, new byte[32]));
            t.secure(CardStatus.SECURITY_STATUS, "the issuer's session closed", deleteDomain("shop"));
            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.SECURITY_STATUS, "READ RECORD under the issuer's session", readRecord(true, "bank", 1));
        });
    }

    @Test
    void secureReadSignAgreeAndUpdateAreAnsweredAsTheirPlainForms() {
        onApplet(t -> {
            ECPublicKey[] keys = bankWithProviderRecords(t);
            t.secureRandom(CardStatus.DONE, "CREATE RECORD 3, PIN", createRecord(3, KeyType.SIGNING, Instrument.CREDIT,
                    new Access(Condition.PIN, Condition.PIN, Condition.ALWAYS), "Pin", new byte[0]));
            byte[] hash = sha256(ascii("pay 1 EUR"));
            t.expectSignature("SIGN, class 84", t.wrap(sign(true, "bank", 1, hash)));
            assertTrue(verifies("NONEwithECDSA", keys[0], hash, t.last.getData()), "by record 1's key");
            KeyPair peer = p256();
            byte[] secret = t.expectRandom(CardStatus.DONE, "AGREE, class 84", t.wrap(agree(true, "bank", 2, P256.encode((ECPublicKey) peer.getPublic()))));
            assertArrayEquals(ecdh(peer, keys[1]), secret);
            t.secure(CardStatus.DONE, "UPDATE RECORD 1, class 84", updateRecord(true, "bank", 1, ascii("new")));
            t.read("READ RECORD 1, class 84", t.wrap(readRecord(true, "bank", 1)));
            assertArrayEquals(withLength(ascii("new")), Arrays.copyOfRange(t.last.getData(), 12, 16));

            // the plain form's checks, in its order: key type before USE, the peer's point, lengths
            t.secure(CardStatus.CONDITIONS_NOT_SATISFIED, "SIGN with the agreement key", sign(true, "bank", 2, hash));
            t.secure(CardStatus.CONDITIONS_NOT_SATISFIED, "AGREE with the signing key", agree(true, "bank", 1, P256.encode((ECPublicKey) peer.getPublic())));
            byte[] offCurve = P256.encode((ECPublicKey) peer.getPublic());
            offCurve[64] ^= 1;
            t.secure(CardStatus.WRONG_DATA, "AGREE with a point off the curve", agree(true, "bank", 2, offCurve));
            t.secure(CardStatus.WRONG_LENGTH, "SIGN a hash of 31", sign(true, "bank", 1, Arrays.copyOf(hash, 31)));
            t.secure(CardStatus.NOT_FOUND, "READ RECORD 9", readRecord(true, "bank", 9));
            t.secure(CardStatus.NOT_FOUND, "READ RECORD of no domain", readRecord(true, "none", 1));
            t.secure(CardStatus.WRONG_LENGTH, "UPDATE RECORD, account of 65", updateRecord(true, "bank", 1, new byte[65]));

            // P1 P2 after the C-MAC verified: 6A86, the session goes on
            byte[] signData = sign(false, "bank", 1, hash).getData();
            t.secure(CardStatus.WRONG_P1P2, "SIGN, class 84, P1P2 0000", new CommandAPDU(CLA_SECURE, INS_SIGN, 0, 0, signData, 256));
            t.secure(CardStatus.WRONG_P1P2, "SIGN, class 84, P2 9B", new CommandAPDU(CLA_SECURE, INS_SIGN, 0x9E, 0x9B, signData, 256));
            byte[] readData = readRecord(false, "bank", 1).getData();
            t.secure(CardStatus.WRONG_P1P2, "READ RECORD, class 84, P1 07", new CommandAPDU(CLA_SECURE, INS_READ_RECORD, 7, 0, readData, 256));
            t.secure(CardStatus.WRONG_P1P2, "READ RECORD, class 84, P2 04", new CommandAPDU(CLA_SECURE, INS_READ_RECORD, 0, 4, readData, 256));
            t.secure(CardStatus.WRONG_P1P2, "AGREE, class 84, P2 01", new CommandAPDU(CLA_SECURE, INS_AGREE, 0, 1,
                    agree(false, "bank", 2, P256.encode((ECPublicKey) peer.getPublic())).getData(), 256));
            t.secure(CardStatus.WRONG_P1P2, "UPDATE RECORD, class 84, P1 01", new CommandAPDU(CLA_SECURE, INS_UPDATE_RECORD, 1, 0,
                    updateRecord(false, "bank", 1, new byte[1]).getData()));
            t.secure(CardStatus.WRONG_P1P2, "CREATE RECORD, P2 01", new CommandAPDU(CLA_SECURE, INS_CREATE_RECORD, 0, 1,
                    createRecord(4, KeyType.SIGNING, Instrument.DEBIT, HIDDEN, "x", new byte[0]).getData()));
            t.read("the session went on", t.wrap(readRecord(true, "bank", 1)));

            // PIN is met by secure commands too; a secure 6982 closes the session
            t.secure(CardStatus.SECURITY_STATUS, "READ RECORD 3 (PIN), class 84, no PIN", readRecord(true, "bank", 3));
            t.secure(CardStatus.SECURITY_STATUS, "the session closed", readRecord(true, "bank", 1));
            t.verify();
            t.read("READ RECORD 3 (PIN), class 00", readRecord("bank", 3));
            t.open("bank", BANK_KEY);
            t.read("READ RECORD 3 (PIN), class 84", t.wrap(readRecord(true, "bank", 3)));
            t.expectSignature("SIGN 3 (USE PIN), class 84", t.wrap(sign(true, "bank", 3, hash)));
            t.expect(CardStatus.DONE, "GET DATA records with the PIN and bank's session: record 3 only", records("bank"));
            assertArrayEquals(concat(new byte[] {1, 3}, withLength(ascii("Pin"))), t.last.getData());

            // the C-MAC: a bad one is 6988 and ends the session; without a session, 6982
            byte[] altered = t.wrap(readRecord(true, "bank", 1)).getBytes();
            altered[altered.length - 2] ^= 1;
            t.expect(CardStatus.BAD_MAC, "READ RECORD, class 84, an altered C-MAC", new CommandAPDU(altered));
            t.secure(CardStatus.SECURITY_STATUS, "the session closed", readRecord(true, "bank", 1));
            t.expect(CardStatus.SECURITY_STATUS, "SIGN, class 84, no session", t.wrap(sign(true, "bank", 1, hash)));
            t.expect(CardStatus.SECURITY_STATUS, "AGREE, class 84, no session", t.wrap(agree(true, "bank", 2, P256.encode((ECPublicKey) peer.getPublic()))));
            t.expect(CardStatus.SECURITY_STATUS, "UPDATE RECORD, class 84, no session", t.wrap(updateRecord(true, "bank", 1, new byte[1])));
            t.open("bank", BANK_KEY);
            t.expect(CardStatus.BAD_MAC, "SIGN, class 84, unwrapped", sign(true, "bank", 1, hash));
            t.secure(CardStatus.SECURITY_STATUS, "the session closed", sign(true, "bank", 1, hash));
            t.expect(CardStatus.UNKNOWN_CLASS, "READ RECORD, class 80", new CommandAPDU(0x80, INS_READ_RECORD, 0, 0, readData, 256));
            t.expect(CardStatus.UNKNOWN_CLASS, "SIGN, class 00", new CommandAPDU(0x00, INS_SIGN, 0x9E, 0x9A, signData, 256));
        });
    }

    @Test
    void aPlainUpdateRecordChecksP1P2BeforeItsData() {
        onApplet(t -> {
            bankWithProviderRecords(t);
            byte[] data = updateRecord(false, "bank", 1, new byte[1]).getData();
            t.expect(CardStatus.WRONG_P1P2, "UPDATE RECORD, class 80, P1 01", new CommandAPDU(CLA_PROPRIETARY, INS_UPDATE_RECORD, 1, 0, data));
            t.expect(CardStatus.WRONG_P1P2, "P2 01", new CommandAPDU(CLA_PROPRIETARY, INS_UPDATE_RECORD, 0, 1, data));
            t.expect(CardStatus.WRONG_P1P2, "P1 01, data that does not parse", new CommandAPDU(CLA_PROPRIETARY, INS_UPDATE_RECORD, 1, 0, new byte[] {5, 1}));
            t.expect(CardStatus.WRONG_P1P2, "P1 01, no domain", new CommandAPDU(CLA_PROPRIETARY, INS_UPDATE_RECORD, 1, 0, updateRecord(false, "none", 1, new byte[1]).getData()));
            t.expect(CardStatus.UNKNOWN_CLASS, "the class first", new CommandAPDU(CLA_ISO, INS_UPDATE_RECORD, 1, 0, data));
            t.expect(CardStatus.WRONG_LENGTH, "P1P2 0000, data that does not parse", new CommandAPDU(CLA_PROPRIETARY, INS_UPDATE_RECORD, 0, 0, new byte[] {5, 1}));
            t.expect(CardStatus.NOT_FOUND, "P1P2 0000, no domain", updateRecord(false, "none", 1, new byte[1]));
            t.expect(CardStatus.SECURITY_STATUS, "P1P2 0000, a PROVIDER record", updateRecord(false, "bank", 1, new byte[1]));
        });
    }

    @Test
    void secureCommandsCheckP1P2AfterTheirCMac() {
        onApplet(t -> {
            t.select();
            t.secure(CardStatus.SECURITY_STATUS, "RESET RETRY COUNTER, P2 80, no session: the session first",
                    new CommandAPDU(CLA_SECURE, INS_RESET_RETRY_COUNTER, 0, 0x80, ascii("1111")));
            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.WRONG_P1P2, "RESET RETRY COUNTER, P2 80", new CommandAPDU(CLA_SECURE, INS_RESET_RETRY_COUNTER, 0, 0x80, ascii("1111")));
            t.secure(CardStatus.WRONG_P1P2, "RESET RETRY COUNTER, P1 01", new CommandAPDU(CLA_SECURE, INS_RESET_RETRY_COUNTER, 1, PIN_REFERENCE, ascii("1111")));
            t.secure(CardStatus.WRONG_P1P2, "CREATE DOMAIN, P2 01", new CommandAPDU(CLA_SECURE, INS_CREATE_DOMAIN, 0, 1, concat(id("bank"), new byte[16])));
            t.secure(CardStatus.WRONG_P1P2, "DELETE DOMAIN, P2 01", new CommandAPDU(CLA_SECURE, INS_DELETE_DOMAIN, 0, 1, id("bank")));
            t.expect(CardStatus.BAD_MAC, "RESET RETRY COUNTER, P2 80, unwrapped: the C-MAC first", new CommandAPDU(CLA_SECURE, INS_RESET_RETRY_COUNTER, 0, 0x80, new byte[12]));
            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "RESET RETRY COUNTER", resetRetryCounter("1111"));
            t.expect(CardStatus.DONE, "the new PIN", verify("1111"));
        });
    }

    @Test
    void domainsListInTheOrderTheyWereCreated() {
        onApplet(t -> {
            t.select();
            t.open(ISSUER, ISSUER_KEY);
            for (String domain : List.of("bank", "shop", "transit")) {
                t.secure(CardStatus.DONE, "CREATE DOMAIN " + domain, createDomain(domain, t.channel.encryptKey(BANK_KEY)));
            }
            t.open("bank", BANK_KEY);
            t.secureRandom(CardStatus.DONE, "bank's CREATE RECORD 1", createRecord(1, KeyType.SIGNING, Instrument.DEBIT,
                    new Access(Condition.ALWAYS, Condition.ALWAYS, Condition.ALWAYS), "x", new byte[0]));
            t.expect(CardStatus.DONE, "GET DATA domains after bank's record", getData(DATA_DOMAINS));
            assertArrayEquals(concat(new byte[] {3}, id("bank"), id("shop"), id("transit")), t.last.getData());
            t.open("shop", BANK_KEY);
            t.secureRandom(CardStatus.DONE, "shop's CREATE RECORD 1", createRecord(1, KeyType.SIGNING, Instrument.DEBIT, PROVIDER_ONLY, "y", new byte[0]));
            t.secure(CardStatus.DONE, "shop's UPDATE RECORD 1", updateRecord(true, "shop", 1, new byte[] {1}));
            t.secure(CardStatus.DONE, "shop's SET ACCESS 1", setAccess(1, HIDDEN));
            t.expect(CardStatus.DONE, "bank's UPDATE RECORD 1, class 80", updateRecord(false, "bank", 1, new byte[] {2}));
            t.expect(CardStatus.DONE, "GET DATA domains after every kind of record change", getData(DATA_DOMAINS));
            assertArrayEquals(concat(new byte[] {3}, id("bank"), id("shop"), id("transit")), t.last.getData());

            t.open(ISSUER, ISSUER_KEY);
            t.secure(CardStatus.DONE, "DELETE DOMAIN shop", deleteDomain("shop"));
            t.secure(CardStatus.DONE, "CREATE DOMAIN fifth, in shop's slot", createDomain("fifth", t.channel.encryptKey(BANK_KEY)));
            t.secure(CardStatus.DONE, "DELETE DOMAIN bank", deleteDomain("bank"));
            t.secure(CardStatus.DONE, "CREATE DOMAIN sixth, in bank's slot", createDomain("sixth", t.channel.encryptKey(BANK_KEY)));
            t.secure(CardStatus.DONE, "CREATE DOMAIN seventh", createDomain("seventh", t.channel.encryptKey(BANK_KEY)));
            t.open("fifth", BANK_KEY);
            t.secureRandom(CardStatus.DONE, "fifth's CREATE RECORD 1", createRecord(1, KeyType.SIGNING, Instrument.DEBIT, HIDDEN, "z", new byte[0]));
            t.expect(CardStatus.DONE, "GET DATA domains: new ones after the ones before them", getData(DATA_DOMAINS));
            assertArrayEquals(concat(new byte[] {4}, id("transit"), id("fifth"), id("sixth"), id("seventh")), t.last.getData());
        });
    }

    /**
     * Commands drawn at random (from a fixed seed) from the protocol's, many of them cut, stretched,
     * flipped or sent in the wrong class, with sessions opened and lost among them: both cards
     * answer each with the same status word, and the same bytes where the answer is not random.
     */
    @Test
    void randomCommandsGetTheSameAnswersFromBothCards() {
        Random random = new Random(4);
        List<Function<Terminal, CommandAPDU>> steps = new ArrayList<>();
        String[] domains = {ISSUER, "bank", "shop", "b@d"};
        byte[][] keys = {ISSUER_KEY, BANK_KEY, SHOP_KEY, SHOP_KEY};
        for (int i = 0; i < 4000; i++) {
            int domain = random.nextInt(domains.length);
            int recordId = random.nextInt(5);
            int action = random.nextInt(12);
            int secure = random.nextInt(6);
            long mutation = random.nextInt(5) < 2 ? random.nextLong() : 0;
            boolean rightPin = random.nextInt(4) > 0;
            boolean wrapped = random.nextInt(3) == 0;
            Access access = new Access(Condition.of(random.nextInt(4)), Condition.of(random.nextInt(4)), Condition.of(random.nextInt(4)));
            byte[] bytes = new byte[random.nextInt(4) == 0 ? 65 : random.nextInt(12)];
            random.nextBytes(bytes);
            steps.add(t -> mutate(switch (action) {
                case 0 -> CardCommands.select();
                case 1 -> CardCommands.verify(rightPin ? PIN : "0000");
                case 2 -> t.openQuietly(domains[domain], keys[domain]);
                // under a session, mostly what that session may do
                case 3, 4, 5 -> t.wrap(ISSUER.equals(t.sessionDomain) ^ secure == 5
                        ? switch (secure % 3) {
                            case 0 -> createDomain(domains[domain], t.encrypted(keys[domain]));
                            case 1 -> secure == 1 ? deleteDomain(domains[domain]) : createDomain(domains[1 + domain % 2], t.encrypted(keys[1 + domain % 2]));
                            default -> resetRetryCounter(PIN);
                        }
                        : switch (secure % 3) {
                            case 0 -> createRecord(recordId, KeyType.of(1 + recordId % 2), Instrument.DEBIT, access, "r" + recordId, bytes);
                            case 1 -> setAccess(recordId, access);
                            default -> updateRecord(true, t.sessionDomain == null ? "bank" : t.sessionDomain, recordId, bytes);
                        });
                case 6 -> updateRecord(false, domains[domain], recordId, bytes);
                // a third of them under the session, mostly of the session's own domain
                case 7 -> wrapped ? t.wrap(readRecord(true, t.ownDomain(domains[domain], secure), recordId)) : readRecord(domains[domain], recordId);
                case 8 -> wrapped ? t.wrap(sign(true, t.ownDomain(domains[domain], secure), recordId, sha256(bytes))) : sign(domains[domain], recordId, sha256(bytes));
                case 9 -> {
                    byte[] point = bytes.length == 65 ? P256.encode((ECPublicKey) p256().getPublic()) : bytes;
                    yield wrapped ? t.wrap(agree(true, t.ownDomain(domains[domain], secure), recordId, point)) : agree(domains[domain], recordId, point);
                }
                case 10 -> records(domains[domain]);
                default -> getData(1 + recordId % 4);
            }, mutation));
        }
        onBothCards(t -> {
            for (int i = 0; i < steps.size(); i++) {
                CommandAPDU command = steps.get(i).apply(t);
                ResponseAPDU answer = t.card.transmit(command);
                int ins = command.getINS();
                boolean differs = ins == INS_SELECT || ins == INS_SIGN || ins == INS_AGREE || ins == INS_CREATE_RECORD || ins == INS_INITIALIZE_UPDATE
                        || ins == INS_GET_DATA && command.getP2() == DATA_CARD;
                byte[] data = ins == INS_READ_RECORD && answer.getSW() == 0x9000
                        ? Arrays.copyOf(answer.getData(), answer.getData().length - POINT_LENGTH) : answer.getData();
                t.transcript.add(i + " " + HexFormat.of().formatHex(command.getBytes(), 0, 4) + " " + command.getNc() + ": " + String.format("%04X", answer.getSW())
                        + (differs ? "" : " " + HexFormat.of().formatHex(data)));
            }
        });
    }

    /** Seed 0: as it is; else one of: cut by a byte, a byte more, a byte flipped, another P1, another class, as it is. */
    private static CommandAPDU mutate(CommandAPDU command, long seed) {
        if (seed == 0) {
            return command;
        }
        Random random = new Random(seed);
        byte[] data = command.getData();
        return switch (random.nextInt(8)) {
            case 0 -> new CommandAPDU(command.getCLA(), command.getINS(), command.getP1(), command.getP2(),
                    Arrays.copyOf(data, Math.max(0, data.length - 1)), 256);
            case 1 -> new CommandAPDU(command.getCLA(), command.getINS(), command.getP1(), command.getP2(), Arrays.copyOf(data, data.length + 1), 256);
            case 2 -> {
                if (data.length > 0) {
                    data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
                }
                yield new CommandAPDU(command.getCLA(), command.getINS(), command.getP1(), command.getP2(), data, 256);
            }
            case 3 -> new CommandAPDU(command.getCLA(), command.getINS(), random.nextInt(3), command.getP2(), data, 256);
            case 4 -> new CommandAPDU(new int[] {0x00, 0x80, 0x84, 0x01}[random.nextInt(4)], command.getINS(), command.getP1(), command.getP2(), data, 256);
            default -> command;
        };
    }

    @Test
    void twoSimulatedCardsShareNoKey() {
        try (SimulatedCard one = SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, PIN);
                SimulatedCard two = SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, PIN)) {
            List<String> points = new ArrayList<>();
            for (SimulatedCard card : List.of(one, two)) {
                Terminal t = new Terminal("applet", card);
                t.select();
                t.open(ISSUER, ISSUER_KEY);
                for (String domain : List.of("bank", "shop")) {
                    t.secure(CardStatus.DONE, "CREATE DOMAIN " + domain, createDomain(domain, t.channel.encryptKey(BANK_KEY)));
                }
                for (String domain : List.of("bank", "shop")) {
                    t.open(domain, BANK_KEY);
                    points.add(HexFormat.of().formatHex(t.secureRandom(CardStatus.DONE, "CREATE RECORD", createRecord(1, KeyType.SIGNING,
                            Instrument.DEBIT, SIGNING_ACCESS, "x", new byte[0]))));
                }
            }
            assertEquals(4, points.stream().distinct().count(), "every key pair is the card's own: " + points);
        }
    }

    @Test
    void issueRefusesWhatSoftwareCardRefuses() {
        assertThrows(IllegalArgumentException.class, () -> SimulatedCard.issue("bad id", ISSUER_KEY, HOLDER, PIN));
        assertThrows(IllegalArgumentException.class, () -> SimulatedCard.issue(ISSUER, new byte[15], HOLDER, PIN));
        assertThrows(IllegalArgumentException.class, () -> SimulatedCard.issue(ISSUER, ISSUER_KEY, "x".repeat(49), PIN));
        assertThrows(IllegalArgumentException.class, () -> SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, "123"));
        assertThrows(IllegalArgumentException.class, () -> SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, "12345678901x"));
        try (SimulatedCard card = SimulatedCard.issue("i", new byte[16], "x".repeat(48), "123456789012")) {
            assertEquals(0x9000, card.transmit(select()).getSW());
            assertEquals(0x9000, card.transmit(verify("123456789012")).getSW());
            assertEquals("x".repeat(48), new String(card.transmit(getData(DATA_HOLDER)).getData(), StandardCharsets.UTF_8));
        }
    }

    /** Runs {@code scenario} on the applet alone: each step's status word as docs/s4-card.md says. */
    private static void onApplet(Consumer<Terminal> scenario) {
        try (SimulatedCard card = SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, PIN)) {
            scenario.accept(new Terminal("applet", card));
        }
    }

    /** Runs {@code scenario} on the applet and on the software card: both must answer every step alike. */
    private void onBothCards(Consumer<Terminal> scenario) {
        Terminal applet = new Terminal("applet", SimulatedCard.issue(ISSUER, ISSUER_KEY, HOLDER, PIN));
        scenario.accept(applet);
        Terminal software = new Terminal("software card",
                SoftwareCard.issue(dir.resolve("card-" + ++softwareCards), ISSUER, ISSUER_KEY, HOLDER, PIN));
        scenario.accept(software);
        assertEquals(String.join("\n", software.transcript), String.join("\n", applet.transcript));
    }

    /** A terminal at one card: every step's status word (and its answer, unless random) goes into the transcript. */
    private static final class Terminal {
        final String name;
        final CardLink card;
        final List<String> transcript = new ArrayList<>();
        ResponseAPDU last;
        /** The open session's channel, which wraps the secure commands. */
        SecureChannel channel;
        /** Whose session the random commands last opened. */
        String sessionDomain;

        Terminal(String name, CardLink card) {
            this.name = name;
            this.card = card;
        }

        void expect(CardStatus status, String step, CommandAPDU command) {
            expect(status.sw(), step, command);
        }

        void expect(int sw, String step, CommandAPDU command) {
            transmit(sw, step, command);
            transcript.add(step + ": " + String.format("%04X", sw) + " " + HexFormat.of().formatHex(last.getData()));
        }

        /** An answer that differs from card to card (a serial, a challenge, a key, a signature): only its length goes into the transcript. */
        byte[] expectRandom(CardStatus status, String step, CommandAPDU command) {
            transmit(status.sw(), step, command);
            transcript.add(step + ": " + String.format("%04X", status.sw()) + " " + last.getData().length + " bytes");
            return last.getData();
        }

        /** SIGN: a DER signature is 70 to 72 bytes long, as r and s fall. */
        byte[] expectSignature(String step, CommandAPDU command) {
            transmit(CardStatus.DONE.sw(), step, command);
            transcript.add(step + ": 9000 a signature");
            return last.getData();
        }

        /** READ RECORD: the public point at its end is the card's own. */
        void read(String step, CommandAPDU command) {
            transmit(CardStatus.DONE.sw(), step, command);
            byte[] record = Arrays.copyOf(last.getData(), last.getData().length - POINT_LENGTH);
            transcript.add(step + ": 9000 " + HexFormat.of().formatHex(record) + " and a point");
        }

        void secure(CardStatus status, String step, CommandAPDU command) {
            expect(status, step, wrap(command));
        }

        byte[] secureRandom(CardStatus status, String step, CommandAPDU command) {
            return expectRandom(status, step, wrap(command));
        }

        /** INITIALIZE UPDATE and EXTERNAL AUTHENTICATE, the latter's answer left to the caller (the random commands'). */
        CommandAPDU openQuietly(String domain, byte[] key) {
            byte[] host = challenge();
            ResponseAPDU answer = card.transmit(CardCommands.initializeUpdate(domain, host));
            if (answer.getSW() != 0x9000) {
                return CardCommands.initializeUpdate(domain, host);
            }
            channel = SecureChannel.derive(key, host, Arrays.copyOf(answer.getData(), 8));
            sessionDomain = domain;
            return channel.wrap(externalAuthenticate(channel.hostCryptogram()));
        }

        /** Mostly the last session's domain, else {@code other}. */
        String ownDomain(String other, int draw) {
            return sessionDomain != null && draw > 0 ? sessionDomain : other;
        }

        /** A key under the session's S-ENC, or as it is without one. */
        byte[] encrypted(byte[] key) {
            return channel != null ? channel.encryptKey(key) : key.clone();
        }

        /** Without a session, the command goes out under a channel the card never saw. */
        CommandAPDU wrap(CommandAPDU command) {
            return (channel != null ? channel : SecureChannel.derive(new byte[16], new byte[8], new byte[8])).wrap(command);
        }

        private void transmit(int sw, String step, CommandAPDU command) {
            last = card.transmit(command);
            assertEquals(String.format("%04X", sw), String.format("%04X", last.getSW()), name + ": " + step);
        }

        void select() {
            expectRandom(CardStatus.DONE, "SELECT", CardCommands.select());
        }

        void verify() {
            expect(CardStatus.DONE, "VERIFY", CardCommands.verify(PIN));
        }

        /** INITIALIZE UPDATE with {@code key} as the host knows it; the card cryptogram is the caller's to check. */
        SecureChannel initializeUpdate(String domain, byte[] key, byte[] hostChallenge) {
            byte[] answer = expectRandom(CardStatus.DONE, "INITIALIZE UPDATE " + domain, CardCommands.initializeUpdate(domain, hostChallenge));
            assertEquals(16, answer.length, "card challenge ‖ card cryptogram");
            return SecureChannel.derive(key, hostChallenge, Arrays.copyOf(answer, 8));
        }

        /** A session with {@code domain}: the host checks the card cryptogram, then authenticates. */
        SecureChannel open(String domain, byte[] key) {
            SecureChannel opened = initializeUpdate(domain, key, challenge());
            assertTrue(opened.isCardCryptogram(Arrays.copyOfRange(last.getData(), 8, 16)), name + ": the card knows " + domain + "'s key");
            expect(CardStatus.DONE, "EXTERNAL AUTHENTICATE " + domain, opened.wrap(externalAuthenticate(opened.hostCryptogram())));
            channel = opened;
            return opened;
        }
    }

    private static CommandAPDU secureCommand(int ins, byte[] data) {
        return new CommandAPDU(CLA_SECURE, ins, 0, 0, data);
    }

    private static CommandAPDU createRecordData(byte[] data) {
        return secureCommand(INS_CREATE_RECORD, data);
    }

    private static CommandAPDU setAccessData(byte[] data) {
        return secureCommand(INS_SET_ACCESS, data);
    }

    private static byte[] challenge() {
        byte[] challenge = new byte[8];
        RANDOM.nextBytes(challenge);
        return challenge;
    }

    private static byte[] id(String domain) {
        return withLength(ascii(domain));
    }

    private static byte[] withLength(byte[] bytes) {
        return concat(new byte[] {(byte) bytes.length}, bytes);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[0];
        for (byte[] part : parts) {
            byte[] next = Arrays.copyOf(out, out.length + part.length);
            System.arraycopy(part, 0, next, out.length, part.length);
            out = next;
        }
        return out;
    }

    private static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean verifies(String algorithm, ECPublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature ecdsa = Signature.getInstance(algorithm);
            ecdsa.initVerify(key);
            ecdsa.update(signed);
            return ecdsa.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(P256.CURVE);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] ecdh(KeyPair mine, ECPublicKey theirs) {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(mine.getPrivate());
            agreement.doPhase(theirs, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
