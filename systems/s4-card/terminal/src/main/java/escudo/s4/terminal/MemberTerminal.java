package escudo.s4.terminal;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.CardLink;
import escudo.s4.protocol.CardRefusal;
import escudo.s4.protocol.CardStatus;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.P256;
import escudo.s4.protocol.SecureChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The service provider member terminal of seed 004 (claim 1) on its card side: it selects the card
 * OS, reads the holder's data and the providers' records a person may see, verifies and changes the
 * PIN, uses the records' keys (the card's crypto service), and opens a {@link ProviderSession}
 * for the issuer or a provider that authenticates with its own key. It speaks only the APDUs of
 * docs/s4-card.md, so either card will do: the software secure element or the Java Card applet.
 */
public final class MemberTerminal implements AutoCloseable {

    /** The card answered data that is not what its protocol says. */
    public static final ErrorCode BAD_ANSWER = ErrorCode.declare("s4.bad-answer", Kind.INTERNAL);
    /** The card's cryptogram does not verify: it does not hold the domain's key, so it is not the card it claims to be. */
    public static final ErrorCode CARD_NOT_AUTHENTIC = ErrorCode.declare("s4.card-not-authentic", Kind.UNAUTHENTICATED);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CardLink card;

    public MemberTerminal(CardLink card) {
        this.card = Objects.requireNonNull(card, "card");
    }

    /** The card data SELECT answers. */
    public record CardInfo(String serial, int version, int suite) {
    }

    /** A record as READ RECORD shows it: never its private key, which stays on the card. */
    public record RecordView(int id, KeyType keyType, Instrument instrument, Access access, String name, byte[] account, ECPublicKey publicKey) {
        public RecordView {
            account = account.clone();
        }

        @Override
        public byte[] account() {
            return account.clone();
        }
    }

    /** A record as GET DATA lists it. */
    public record RecordName(int id, String name) {
    }

    public CardInfo select() {
        return cardInfo(exchange(CardCommands.select()));
    }

    /** Verifies the holder's PIN: {@code s4.wrong-pin} with the tries left, {@code s4.pin-blocked} after the last. */
    public void verifyPin(String pin) {
        exchange(CardCommands.verify(pin));
    }

    public void changePin(String oldPin, String newPin) {
        exchange(CardCommands.changePin(oldPin, newPin));
    }

    /** The holder's name (after the PIN). */
    public String holder() {
        return new String(exchange(CardCommands.getData(CardCommands.DATA_HOLDER)), StandardCharsets.UTF_8);
    }

    public void holder(String name) {
        exchange(CardCommands.putHolder(name));
    }

    /** The providers whose domains the card holds. */
    public List<String> domains() {
        Answer answer = new Answer(exchange(CardCommands.getData(CardCommands.DATA_DOMAINS)));
        List<String> domains = new ArrayList<>();
        for (int count = answer.u8(), i = 0; i < count; i++) {
            domains.add(new String(answer.lengthPrefixed(), StandardCharsets.US_ASCII));
        }
        answer.end();
        return domains;
    }

    /** The records of {@code domain} the terminal may read now (their READ conditions hold). */
    public List<RecordName> records(String domain) {
        Answer answer = new Answer(exchange(CardCommands.records(domain)));
        List<RecordName> records = new ArrayList<>();
        for (int count = answer.u8(), i = 0; i < count; i++) {
            records.add(new RecordName(answer.u8(), new String(answer.lengthPrefixed(), StandardCharsets.UTF_8)));
        }
        answer.end();
        return records;
    }

    /** A record whose READ condition is ALWAYS or PIN (PROVIDER: the provider's {@link ProviderSession#read}). */
    public RecordView read(String domain, int recordId) {
        return recordView(exchange(CardCommands.readRecord(domain, recordId)));
    }

    /** The record's ECDSA P-256 signature (DER) over a SHA-256 {@code hash}. */
    public byte[] sign(String domain, int recordId, byte[] hash) {
        return exchange(CardCommands.sign(domain, recordId, hash));
    }

    /** ECDH P-256 between the record's key and {@code peer}: the shared secret's x coordinate. */
    public byte[] agree(String domain, int recordId, ECPublicKey peer) {
        return exchange(CardCommands.agree(domain, recordId, P256.encode(peer)));
    }

    /** The holder updates a record whose UPDATE condition is ALWAYS or PIN (PROVIDER: the provider's {@link ProviderSession#updateRecord}). */
    public void updateRecord(String domain, int recordId, byte[] account) {
        exchange(CardCommands.updateRecord(false, domain, recordId, account));
    }

    /**
     * Mutual authentication of {@code domain}'s owner (the issuer, or a provider) with its static
     * AES-128 {@code key} (GlobalPlatform SCP03 style, docs/s4-card.md): the card proves it holds
     * the key before the terminal proves it; the session's commands then carry a chained C-MAC.
     */
    public ProviderSession authenticate(String domain, byte[] key) {
        byte[] hostChallenge = new byte[SecureChannel.CHALLENGE_LENGTH];
        RANDOM.nextBytes(hostChallenge);
        Answer answer = new Answer(exchange(CardCommands.initializeUpdate(domain, hostChallenge)));
        byte[] cardChallenge = answer.bytes(SecureChannel.CHALLENGE_LENGTH);
        byte[] cardCryptogram = answer.bytes(SecureChannel.CRYPTOGRAM_LENGTH);
        answer.end();
        SecureChannel channel = SecureChannel.derive(key, hostChallenge, cardChallenge);
        if (!channel.isCardCryptogram(cardCryptogram)) {
            throw new EscudoException(CARD_NOT_AUTHENTIC, "the card's cryptogram does not verify under the " + domain + " key");
        }
        ProviderSession session = new ProviderSession(this, domain, channel);
        session.send(CardCommands.externalAuthenticate(channel.hostCryptogram()));
        return session;
    }

    /** Sends {@code command} and returns the answer's data, or throws the card's refusal with its code. */
    byte[] exchange(CommandAPDU command) {
        ResponseAPDU response = card.transmit(command);
        int sw = response.getSW();
        CardStatus status = CardStatus.of(sw);
        if (status != CardStatus.DONE) {
            int triesLeft = status == CardStatus.WRONG_PIN ? sw & 0x0F : -1;
            throw new CardRefusal(status, triesLeft, String.format("the card answered %04X: ", sw) + status.meaning()
                    + (triesLeft >= 0 ? ", " + triesLeft + (triesLeft == 1 ? " try" : " tries") + " left" : ""));
        }
        return response.getData();
    }

    /** Takes the card out: it forgets the PIN's verification and any session. */
    @Override
    public void close() {
        card.close();
    }

    private static CardInfo cardInfo(byte[] data) {
        Answer answer = new Answer(data);
        CardInfo info = new CardInfo(HexFormat.of().formatHex(answer.bytes(8)), answer.u8(), answer.u8());
        answer.end();
        return info;
    }

    static RecordView recordView(byte[] data) {
        Answer answer = new Answer(data);
        try {
            int id = answer.u8();
            KeyType keyType = KeyType.of(answer.u8());
            Instrument instrument = Instrument.of(answer.u8());
            Access access = new Access(Condition.of(answer.u8()), Condition.of(answer.u8()), Condition.of(answer.u8()));
            String name = new String(answer.lengthPrefixed(), StandardCharsets.UTF_8);
            byte[] account = answer.lengthPrefixed();
            ECPublicKey key = P256.decode(answer.bytes(CardCommands.POINT_LENGTH));
            answer.end();
            return new RecordView(id, keyType, instrument, access, name, account, key);
        } catch (IllegalArgumentException e) {
            throw new EscudoException(BAD_ANSWER, "the card's record does not decode: " + e.getMessage());
        }
    }

    /** A card's answer, read field by field; anything else is {@code s4.bad-answer}. */
    static final class Answer {
        private final byte[] data;
        private int at;

        Answer(byte[] data) {
            this.data = data;
        }

        int u8() {
            return bytes(1)[0] & 0xFF;
        }

        byte[] bytes(int length) {
            if (data.length - at < length) {
                throw new EscudoException(BAD_ANSWER, "the card's answer ends early");
            }
            byte[] out = Arrays.copyOfRange(data, at, at + length);
            at += length;
            return out;
        }

        byte[] lengthPrefixed() {
            return bytes(u8());
        }

        void end() {
            if (at != data.length) {
                throw new EscudoException(BAD_ANSWER, "the card's answer goes on after its last field");
            }
        }
    }
}
