package escudo.s4.terminal;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardRefusal;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.P256;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.KeyAgreement;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every S4 card does (docs/s4-card.md; seed 004, claims 1-12), run against each card the
 * same way: the software secure element and the Java Card applet each extend this with how to
 * issue one. The terminal talks to the card only through its APDUs.
 */
abstract class CardContract {

    static final String ISSUER = "escudo-bank";
    static final byte[] ISSUER_KEY = HexFormat.of().parseHex("404142434445464748494a4b4c4d4e4f");
    static final byte[] BANK_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final byte[] TRANSIT_KEY = HexFormat.of().parseHex("f0e1d2c3b4a5968778695a4b3c2d1e0f");
    static final String PIN = "2468";
    static final Access DEBIT_ACCESS = new Access(Condition.ALWAYS, Condition.PIN, Condition.PROVIDER);
    static final Access TICKET_ACCESS = new Access(Condition.PIN, Condition.ALWAYS, Condition.ALWAYS);

    CardLink card;
    MemberTerminal terminal;

    /** A new card of this kind, personalised by the issuer for the holder. */
    abstract CardLink issue(String issuerId, byte[] issuerKey, String holder, String pin);

    @BeforeEach
    void issue() {
        card = issue(ISSUER, ISSUER_KEY, "Alice Andersson", PIN);
        terminal = new MemberTerminal(card);
    }

    @AfterEach
    void takeOut() {
        terminal.close();
    }

    /** The bank's debit record (1) and the transit operator's ticket (1), each in its own provider's domain. */
    ECPublicKey[] twoProviders() {
        terminal.select();
        ProviderSession issuer = terminal.authenticate(ISSUER, ISSUER_KEY);
        issuer.createDomain("bank", BANK_KEY);
        issuer.createDomain("transit", TRANSIT_KEY);
        ECPublicKey debit = terminal.authenticate("bank", BANK_KEY).createRecord(1, KeyType.SIGNING, Instrument.DEBIT, DEBIT_ACCESS,
                "current account", "IBAN ES12 3456".getBytes(StandardCharsets.UTF_8));
        ECPublicKey ticket = terminal.authenticate("transit", TRANSIT_KEY).createRecord(1, KeyType.AGREEMENT, Instrument.TICKET, TICKET_ACCESS,
                "zone 1-2 pass", "10 rides".getBytes(StandardCharsets.UTF_8));
        terminal.select(); // the sessions end
        return new ECPublicKey[] {debit, ticket};
    }

    @Test
    void theCardAnswersOnlyOnceItsOsIsSelectedAndShowsItsData() {
        assertRefused(CardStatus.CONDITIONS_NOT_SATISFIED.code(), () -> terminal.domains());
        MemberTerminal.CardInfo info = terminal.select();
        assertEquals(CardCommands.PROTOCOL_VERSION, info.version());
        assertEquals(CardCommands.SUITE_P256_AES, info.suite());
        assertTrue(info.serial().matches("[0-9a-f]{16}"), info.serial());
        assertEquals(info, terminal.select(), "the same card");
        assertEquals(List.of(), terminal.domains(), "no provider yet");
        assertEquals(CardStatus.NOT_FOUND.sw(), raw(new CommandAPDU(0x00, 0xA4, 0x04, 0x00, new byte[] {1, 2, 3, 4, 5})).getSW());
    }

    @Test
    void threeWrongPinsBlockThePinWhichOnlyTheIssuerUnblocks() {
        terminal.select();
        assertEquals(2, assertThrows(CardRefusal.class, () -> terminal.verifyPin("1111")).triesLeft());
        assertEquals(1, assertThrows(CardRefusal.class, () -> terminal.verifyPin("1111")).triesLeft());
        assertEquals(0, assertThrows(CardRefusal.class, () -> terminal.verifyPin("1111")).triesLeft());
        assertRefused(CardStatus.PIN_BLOCKED.code(), () -> terminal.verifyPin(PIN));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.holder());
        assertRefused(CardStatus.WRONG_DATA.code(), () -> terminal.verifyPin("12a4"));

        terminal.authenticate(ISSUER, ISSUER_KEY).createDomain("bank", BANK_KEY);
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.authenticate("bank", BANK_KEY).resetRetryCounter("9999")); // a provider cannot
        terminal.select();
        terminal.authenticate(ISSUER, ISSUER_KEY).resetRetryCounter("1357");
        terminal.verifyPin("1357");
        assertEquals("Alice Andersson", terminal.holder());
    }

    @Test
    void theHolderChangesThePinAndTheHolderDataAfterThePin() {
        terminal.select();
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.holder("Mallory"));
        assertEquals(2, assertThrows(CardRefusal.class, () -> terminal.changePin("0000", "1357")).triesLeft());
        terminal.changePin(PIN, "1357");
        terminal.holder("Alice A. Andersson");
        terminal.select(); // the verification ends with the selection
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.holder());
        assertRefused(CardStatus.WRONG_PIN.code(), () -> terminal.verifyPin(PIN));
        terminal.verifyPin("1357");
        assertEquals("Alice A. Andersson", terminal.holder());
    }

    @Test
    void theIssuerLoadsProvidersDomainsWithinTheCardsRoom() {
        terminal.select();
        ProviderSession issuer = terminal.authenticate(ISSUER, ISSUER_KEY);
        issuer.createDomain("bank", BANK_KEY);
        assertRefused(CardStatus.ALREADY_EXISTS.code(), () -> issuer.createDomain("bank", TRANSIT_KEY));
        for (String provider : List.of("transit", "loyalty", "library")) {
            issuer.createDomain(provider, TRANSIT_KEY); // a refusal that is not the channel's keeps the session
        }
        assertRefused(CardStatus.NO_ROOM.code(), () -> issuer.createDomain("museum", TRANSIT_KEY));
        issuer.deleteDomain("library");
        assertEquals(List.of("bank", "transit", "loyalty"), terminal.domains());
        assertRefused(CardStatus.NOT_FOUND.code(), () -> terminal.authenticate("library", TRANSIT_KEY));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.authenticate("bank", BANK_KEY).createDomain("mine", BANK_KEY));
    }

    @Test
    void aProviderThatDoesNotHoldItsKeyOrACardThatDoesNotIsFoundOut() {
        twoProviders();
        assertRefused(MemberTerminal.CARD_NOT_AUTHENTIC, () -> terminal.authenticate("bank", TRANSIT_KEY));
        // a host without the key: INITIALIZE UPDATE, then a made-up host cryptogram and MAC
        raw(CardCommands.initializeUpdate("bank", new byte[8]));
        assertEquals(CardStatus.BAD_MAC.sw(), raw(new CommandAPDU(0x84, 0x82, 0x00, 0x00, new byte[16])).getSW());
        assertEquals(CardStatus.CONDITIONS_NOT_SATISFIED.sw(), raw(new CommandAPDU(0x84, 0x82, 0x00, 0x00, new byte[16])).getSW(),
                "no second try on the same challenge");
    }

    @Test
    void eachProviderWritesOnlyItsOwnRecordsAndTheirAccessConditionsHold() throws Exception {
        ECPublicKey[] keys = twoProviders();
        // the bank's session cannot touch the transit operator's record
        ProviderSession bank = terminal.authenticate("bank", BANK_KEY);
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> bank.updateRecord("transit", 1, "999 rides".getBytes(StandardCharsets.UTF_8)));
        ProviderSession transit = terminal.authenticate("transit", TRANSIT_KEY);
        assertRefused(CardStatus.NOT_FOUND.code(), () -> transit.setAccess(2, TICKET_ACCESS)); // only records of its own domain
        transit.updateRecord("transit", 1, "9 rides".getBytes(StandardCharsets.UTF_8));
        terminal.select();

        // READ: the debit record always, the ticket after the PIN (not even listed before)
        assertEquals(List.of(new MemberTerminal.RecordName(1, "current account")), terminal.records("bank"));
        assertEquals(List.of(), terminal.records("transit"));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.read("transit", 1));
        MemberTerminal.RecordView debit = terminal.read("bank", 1);
        assertEquals(List.of(1, KeyType.SIGNING, Instrument.DEBIT, DEBIT_ACCESS, "current account", "IBAN ES12 3456"),
                List.of(debit.id(), debit.keyType(), debit.instrument(), debit.access(), debit.name(), new String(debit.account(), StandardCharsets.UTF_8)));
        assertArrayEquals(P256.encode(keys[0]), P256.encode(debit.publicKey()), "the key the card made when the bank created the record");
        // UPDATE: the holder cannot change the bank's account information (PROVIDER), can the ticket's (ALWAYS)
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.updateRecord("bank", 1, "IBAN XX".getBytes(StandardCharsets.UTF_8)));
        terminal.updateRecord("transit", 1, "8 rides".getBytes(StandardCharsets.UTF_8));

        // USE: the debit key signs after the PIN, and the JDK verifies the signature under the record's public key
        byte[] hash = MessageDigest.getInstance("SHA-256").digest("pay 12.00 EUR to corner-books".getBytes(StandardCharsets.UTF_8));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.sign("bank", 1, hash));
        terminal.verifyPin(PIN);
        byte[] signature = terminal.sign("bank", 1, hash);
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(debit.publicKey());
        ecdsa.update("pay 12.00 EUR to corner-books".getBytes(StandardCharsets.UTF_8));
        assertTrue(ecdsa.verify(signature));
        assertEquals("8 rides", new String(terminal.read("transit", 1).account(), StandardCharsets.UTF_8));

        // the ticket's key agrees what the host's own ECDH agrees; a signing key does not agree, nor an agreement key sign
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(P256.CURVE);
        KeyPair host = generator.generateKeyPair();
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(host.getPrivate());
        ecdh.doPhase(keys[1], true);
        assertArrayEquals(ecdh.generateSecret(), terminal.agree("transit", 1, (ECPublicKey) host.getPublic()));
        assertRefused(CardStatus.CONDITIONS_NOT_SATISFIED.code(), () -> terminal.agree("bank", 1, (ECPublicKey) host.getPublic()));
        assertRefused(CardStatus.CONDITIONS_NOT_SATISFIED.code(), () -> terminal.sign("transit", 1, hash));

        // PROVIDER is met only by the provider's own secure commands, never by a plain one slipped in while its session is open
        ProviderSession owner = terminal.authenticate("bank", BANK_KEY);
        owner.setAccess(1, new Access(Condition.PROVIDER, Condition.PROVIDER, Condition.PROVIDER));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.read("bank", 1));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.updateRecord("bank", 1, "IBAN XX".getBytes(StandardCharsets.UTF_8)));
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.sign("bank", 1, hash));
        assertEquals(List.of(), terminal.records("bank"), "nor listed to a plain GET DATA");
        assertEquals("current account", owner.read("bank", 1).name());
        owner.updateRecord("bank", 1, "IBAN ES99 0000".getBytes(StandardCharsets.UTF_8));
        ecdsa.initVerify(debit.publicKey());
        ecdsa.update("pay 12.00 EUR to corner-books".getBytes(StandardCharsets.UTF_8));
        assertTrue(ecdsa.verify(owner.sign("bank", 1, hash)));
        ProviderSession metro = terminal.authenticate("transit", TRANSIT_KEY);
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> metro.sign("bank", 1, hash)); // another provider's session, its own MAC

        // NEVER, set by the record's owner
        terminal.authenticate("bank", BANK_KEY).setAccess(1, new Access(Condition.NEVER, Condition.PIN, Condition.PROVIDER));
        assertRefused(CardStatus.CONDITIONS_NOT_SATISFIED.code(), () -> terminal.read("bank", 1));
        assertEquals(List.of("bank", "transit"), terminal.domains(), "in the order they were created, whatever changed since");
    }

    @Test
    void aSecureCommandReplayedAlteredOrWithoutASessionIsRefusedAndEndsTheSession() {
        twoProviders();
        assertEquals(CardStatus.SECURITY_STATUS.sw(), raw(CardCommands.setAccess(1, DEBIT_ACCESS)).getSW(), "no session");
        RecordingLink recording = new RecordingLink(card);
        MemberTerminal watched = new MemberTerminal(recording);
        ProviderSession bank = watched.authenticate("bank", BANK_KEY);
        bank.setAccess(1, new Access(Condition.ALWAYS, Condition.ALWAYS, Condition.PROVIDER));
        CommandAPDU sent = recording.last;
        assertEquals(CardStatus.BAD_MAC.sw(), raw(sent).getSW(), "the same command again");
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> bank.setAccess(1, DEBIT_ACCESS)); // the card ended the session

        ProviderSession next = watched.authenticate("bank", BANK_KEY);
        next.setAccess(1, DEBIT_ACCESS);
        byte[] tampered = recording.last.getBytes();
        tampered[tampered.length - 2] ^= 0x01; // the C-MAC's last byte, before Le
        assertEquals(CardStatus.BAD_MAC.sw(), raw(new CommandAPDU(tampered)).getSW());
        terminal.select();
        assertEquals(DEBIT_ACCESS, terminal.read("bank", 1).access(), "the last good command is what holds");
    }

    @Test
    void aReplayedAuthenticationOpensNothing() {
        twoProviders();
        RecordingLink recording = new RecordingLink(card);
        new MemberTerminal(recording).authenticate("bank", BANK_KEY);
        List<CommandAPDU> handshake = List.copyOf(recording.sent);
        terminal.select();
        raw(handshake.get(0)); // INITIALIZE UPDATE again: the card draws a new challenge
        assertEquals(CardStatus.BAD_MAC.sw(), raw(handshake.get(1)).getSW());
        assertEquals(CardStatus.SECURITY_STATUS.sw(), raw(CardCommands.setAccess(1, DEBIT_ACCESS)).getSW());
    }

    @Test
    void malformedCommandsAreRefusedWithTheirStatusWordsAndChangeNothing() {
        twoProviders();
        assertEquals(CardStatus.UNKNOWN_INSTRUCTION.sw(), raw(new CommandAPDU(0x80, 0x12, 0x00, 0x00)).getSW());
        assertEquals(CardStatus.UNKNOWN_CLASS.sw(), raw(new CommandAPDU(0x00, CardCommands.INS_GET_DATA, 0x00, 0x03, 256)).getSW());
        assertEquals(CardStatus.WRONG_P1P2.sw(), raw(new CommandAPDU(0x80, CardCommands.INS_GET_DATA, 0x00, 0x09, 256)).getSW());
        assertEquals(CardStatus.WRONG_LENGTH.sw(), raw(new CommandAPDU(0x00, CardCommands.INS_READ_RECORD, 0x00, 0x00, new byte[] {4, 'b', 'a'})).getSW());
        assertEquals(CardStatus.WRONG_LENGTH.sw(), raw(new CommandAPDU(0x00, CardCommands.INS_READ_RECORD, 0x00, 0x00,
                new byte[] {4, 'b', 'a', 'n', 'k', 1, 0})).getSW(), "a byte after the last field");
        assertEquals(CardStatus.WRONG_DATA.sw(), raw(new CommandAPDU(0x00, CardCommands.INS_READ_RECORD, 0x00, 0x00,
                new byte[] {4, 'b', '/', 'n', 'k', 1})).getSW(), "an id with a slash");
        assertEquals(CardStatus.NOT_FOUND.sw(), raw(CardCommands.readRecord("bank", 9)).getSW());
        assertEquals(CardStatus.WRONG_DATA.sw(), raw(CardCommands.verify("12")).getSW());
        assertEquals(CardStatus.WRONG_P1P2.sw(), raw(new CommandAPDU(0x80, CardCommands.INS_UPDATE_RECORD, 0x01, 0x00,
                new byte[] {7, 't', 'r', 'a', 'n', 's', 'i', 't', 1, 9})).getSW());
        assertEquals(CardStatus.WRONG_LENGTH.sw(), raw(new CommandAPDU(0x80, CardCommands.INS_SIGN, 0x9E, 0x9A,
                new byte[] {4, 'b', 'a', 'n', 'k', 1, 0x42})).getSW(), "a hash of one byte");
        terminal.select();
        assertEquals("IBAN ES12 3456", new String(terminal.read("bank", 1).account(), StandardCharsets.UTF_8));
        assertEquals(List.of("bank", "transit"), terminal.domains());
        terminal.verifyPin(PIN); // no refusal above spent a try
    }

    @Test
    void theCardKeepsItsDomainsAndRecordsWhenTakenOutAndForgetsThePinsVerification() {
        ECPublicKey[] keys = twoProviders();
        terminal.verifyPin(PIN);
        terminal.close();
        terminal = new MemberTerminal(card);
        terminal.select();
        assertRefused(CardStatus.SECURITY_STATUS.code(), () -> terminal.read("transit", 1));
        assertArrayEquals(P256.encode(keys[0]), P256.encode(terminal.read("bank", 1).publicKey()));
    }

    ResponseAPDU raw(CommandAPDU command) {
        return card.transmit(command);
    }

    /** A link that remembers what the terminal sent, as a wire-tap would. */
    static final class RecordingLink implements CardLink {
        private final CardLink card;
        final java.util.List<CommandAPDU> sent = new java.util.ArrayList<>();
        CommandAPDU last;

        RecordingLink(CardLink card) {
            this.card = card;
        }

        @Override
        public ResponseAPDU transmit(CommandAPDU command) {
            sent.add(command);
            last = command;
            return card.transmit(command);
        }
    }
}
