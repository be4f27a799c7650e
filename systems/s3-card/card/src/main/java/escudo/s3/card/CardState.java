package escudo.s3.card;

import escudo.core.Bytes;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.Hpke;
import escudo.crypto.KeyShare;
import escudo.crypto.SecretAccess;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.CardCertificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the S3 application remembers (seed 003, Fig. 6), immutable: an operation builds the
 * next state, commits it as the application's record on the card OS, and only then makes it
 * current, so a failed write leaves the card as it was. The PIN and its try counter are the card
 * OS's, not part of this record.
 *
 * <p>Record encoding, domain {@value #DOMAIN}, fields in this order:
 * <pre>
 *   bytes  S_U, the user share (32-byte canonical scalar)
 *   u8     personalised (0 or 1)
 *   if 0:  bytes  transport private key (X25519, 32 bytes, clamped)
 *   if 1:  bytes  S_C, the bank share (32-byte canonical scalar)
 *          bytes  bank verifying key (32)
 *          bytes  CARD-CERT signed bytes
 *          bytes  CARD-CERT signature (64)
 *          i64    balance (minor units, or cheques left)
 *          i64    next ser#
 *          i64    next seq#
 *          u8     pending withdrawal (0: none; 2: the request itself; 1: a request an earlier
 *                 card recorded without its time and signature, which it cannot send again)
 *          if 1:  i64 seq#, i64 amount, i64 card balance sent in the request, u8 renew (0 or 1)
 *          if 2:  the same four fields, then i64 the request's time (epoch ms), bytes its signature (64)
 * </pre>
 * Nothing follows the last field.
 */
record CardState(
        KeyShare userShare,
        Hpke.Recipient transport,
        KeyShare bankShare,
        VerifyingKey bankKey,
        CardCertificate certificate,
        long balance,
        long nextSerial,
        long nextSequence,
        Pending pending) {

    static final String DOMAIN = "escudo/s3/card/v1";

    /**
     * A withdrawal request the card sent and the bank has not acknowledged yet, with its time and
     * signature, so the very same request can be sent again when the acknowledgement was lost
     * (both null for a request an earlier card recorded without them).
     */
    record Pending(long sequence, long amount, long cardBalance, boolean renew, Instant time, Bytes signature) {
        Pending {
            if ((time == null) != (signature == null)) {
                throw new IllegalArgumentException("a pending request keeps its time and its signature, or neither");
            }
        }

        boolean resendable() {
            return signature != null;
        }
    }

    CardState {
        Objects.requireNonNull(userShare, "userShare");
        if ((transport == null) == (bankShare == null)) {
            throw new IllegalStateException("a card holds either its transport key or the bank share");
        }
    }

    static CardState blank(KeyShare userShare, Hpke.Recipient transport) {
        return new CardState(userShare, transport, null, null, null, 0, 0, 0, null);
    }

    boolean personalised() {
        return bankShare != null;
    }

    CardState afterPayment(long newBalance) {
        return new CardState(userShare, transport, bankShare, bankKey, certificate,
                newBalance, nextSerial + 1, nextSequence, pending);
    }

    CardState afterWithdrawalRequest(Pending request) {
        return new CardState(userShare, transport, bankShare, bankKey, certificate,
                balance, nextSerial, nextSequence + 1, request);
    }

    CardState afterWithdrawal(long newBalance, CardCertificate newCertificate) {
        return new CardState(userShare, transport, bankShare, bankKey, newCertificate,
                newBalance, nextSerial, nextSequence, null);
    }

    byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).bytes(userShare.toBytes(SecretAccess.forSealedStorage()));
        if (!personalised()) {
            return w.u8(0).bytes(transport.privateKey(SecretAccess.forSealedStorage())).toByteArray();
        }
        w.u8(1)
                .bytes(bankShare.toBytes(SecretAccess.forSealedStorage()))
                .bytes(bankKey.bytes())
                .bytes(certificate.signedBytes())
                .bytes(certificate.signature())
                .i64(balance)
                .i64(nextSerial)
                .i64(nextSequence);
        if (pending == null) {
            w.u8(0);
        } else {
            w.u8(pending.resendable() ? 2 : 1)
                    .i64(pending.sequence()).i64(pending.amount()).i64(pending.cardBalance()).u8(pending.renew() ? 1 : 0);
            if (pending.resendable()) {
                w.i64(pending.time().toEpochMilli()).bytes(pending.signature());
            }
        }
        return w.toByteArray();
    }

    /** Parses what {@link #encode()} wrote; any deviation is an exception (the caller reports it as corrupt). */
    static CardState decode(byte[] plaintext) {
        CanonicalReader r = CanonicalReader.expect(plaintext, DOMAIN);
        KeyShare userShare = KeyShare.fromBytes(r.bytes());
        int personalised = r.u8();
        if (personalised == 0) {
            byte[] transportKey = r.bytes();
            Hpke.Recipient transport = Hpke.Recipient.fromPrivateKey(transportKey);
            // X25519 clamps any 32 bytes into a key: only the clamped form the card writes is a record
            require(Arrays.equals(transport.privateKey(SecretAccess.forSealedStorage()), transportKey));
            r.end();
            return blank(userShare, transport);
        }
        require(personalised == 1);
        KeyShare bankShare = KeyShare.fromBytes(r.bytes());
        VerifyingKey bankKey = VerifyingKey.of(r.bytes());
        byte[] signedBytes = r.bytes();
        CardCertificate certificate = CardCertificate.decode(signedBytes, Bytes.of(r.bytes()));
        long balance = r.i64();
        long nextSerial = r.i64();
        long nextSequence = r.i64();
        int hasPending = r.u8();
        Pending pending = null;
        if (hasPending == 1 || hasPending == 2) {
            long sequence = r.i64();
            long amount = r.i64();
            long cardBalance = r.i64();
            int renew = r.u8();
            require(renew == 0 || renew == 1);
            Instant time = hasPending == 2 ? Instant.ofEpochMilli(r.i64()) : null;
            Bytes signature = hasPending == 2 ? Bytes.of(r.bytes()) : null;
            pending = new Pending(sequence, amount, cardBalance, renew == 1, time, signature);
        } else {
            require(hasPending == 0);
        }
        r.end();
        require(balance >= 0 && nextSerial >= 1 && nextSequence >= 1);
        return new CardState(userShare, null, bankShare, bankKey, certificate,
                balance, nextSerial, nextSequence, pending);
    }

    private static void require(boolean condition) {
        if (!condition) {
            throw new IllegalArgumentException("card state out of range");
        }
    }

    /** Never shows the shares or the transport key. */
    @Override
    public String toString() {
        return "CardState(" + (personalised() ? certificate.cardNumber() : "blank") + ")";
    }
}
