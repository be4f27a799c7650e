package escudo.s4.protocol;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.smartcardio.CommandAPDU;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One session between a domain's holder (the issuer or a provider) and the card, in the manner of
 * GlobalPlatform SCP03 (Card Specification Amendment D): session keys derived from the domain's
 * static AES-128 key and both challenges with SCP03's KDF (NIST SP 800-108 counter mode, AES-CMAC
 * as PRF), card and host cryptograms, and a C-MAC on every command chained over all before it, so
 * a command replayed, reordered or altered does not verify. Both sides use this class: the
 * terminal {@link #wrap}s, the software card {@link #unwrap}s; the applet does the same on the card.
 */
public final class SecureChannel {

    public static final int CHALLENGE_LENGTH = 8;
    public static final int CRYPTOGRAM_LENGTH = 8;
    public static final int MAC_LENGTH = 8;
    public static final int KEY_LENGTH = 16;
    /** SCP03's derivation constants (Amendment D, table 6-1). */
    static final int CARD_CRYPTOGRAM = 0x00;
    static final int HOST_CRYPTOGRAM = 0x01;
    static final int S_ENC = 0x04;
    static final int S_MAC = 0x06;

    private final byte[] sEnc;
    private final byte[] sMac;
    private final byte[] cardCryptogram;
    private final byte[] hostCryptogram;
    /** The full CMAC of the last command, which the next one's MAC covers: zeros before the first. */
    private byte[] chain = new byte[16];

    private SecureChannel(byte[] sEnc, byte[] sMac, byte[] cardCryptogram, byte[] hostCryptogram) {
        this.sEnc = sEnc;
        this.sMac = sMac;
        this.cardCryptogram = cardCryptogram;
        this.hostCryptogram = hostCryptogram;
    }

    /** The session of the domain's {@code staticKey} for these two challenges (8 bytes each). */
    public static SecureChannel derive(byte[] staticKey, byte[] hostChallenge, byte[] cardChallenge) {
        if (staticKey.length != KEY_LENGTH || hostChallenge.length != CHALLENGE_LENGTH || cardChallenge.length != CHALLENGE_LENGTH) {
            throw new IllegalArgumentException("an AES-128 key and two 8-byte challenges");
        }
        byte[] context = concat(hostChallenge, cardChallenge);
        byte[] sEnc = kdf(staticKey, S_ENC, 128, context);
        byte[] sMac = kdf(staticKey, S_MAC, 128, context);
        return new SecureChannel(sEnc, sMac, kdf(sMac, CARD_CRYPTOGRAM, 64, context), kdf(sMac, HOST_CRYPTOGRAM, 64, context));
    }

    /** What the card sends to prove it knows the static key. */
    public byte[] cardCryptogram() {
        return cardCryptogram.clone();
    }

    /** What the host sends to prove it knows the static key. */
    public byte[] hostCryptogram() {
        return hostCryptogram.clone();
    }

    /** Compared in constant time. */
    public boolean isCardCryptogram(byte[] cryptogram) {
        return MessageDigest.isEqual(cardCryptogram, cryptogram);
    }

    public boolean isHostCryptogram(byte[] cryptogram) {
        return MessageDigest.isEqual(hostCryptogram, cryptogram);
    }

    /** The host's side: {@code command} (CLA {@code 84}) with its C-MAC appended to the data. */
    public synchronized CommandAPDU wrap(CommandAPDU command) {
        byte[] data = command.getData();
        byte[] full = mac(command.getCLA(), command.getINS(), command.getP1(), command.getP2(), data);
        chain = full;
        byte[] withMac = concat(data, Arrays.copyOf(full, MAC_LENGTH));
        return new CommandAPDU(command.getCLA(), command.getINS(), command.getP1(), command.getP2(), withMac, 256);
    }

    /**
     * The card's side: the data of a secure command without its C-MAC, if the MAC verifies over
     * the chain so far; else null, and the caller closes the session.
     */
    public synchronized byte[] unwrap(CommandAPDU command) {
        byte[] data = command.getData();
        if (data.length < MAC_LENGTH) {
            return null;
        }
        byte[] plain = Arrays.copyOf(data, data.length - MAC_LENGTH);
        byte[] full = mac(command.getCLA(), command.getINS(), command.getP1(), command.getP2(), plain);
        if (!MessageDigest.isEqual(Arrays.copyOf(full, MAC_LENGTH), Arrays.copyOfRange(data, plain.length, data.length))) {
            return null;
        }
        chain = full;
        return plain;
    }

    /** A provider's new static key as the issuer sends it: AES-128 of the 16 key bytes under S-ENC (one block, as GlobalPlatform's PUT KEY). */
    public byte[] encryptKey(byte[] key) {
        return block(key, true);
    }

    public byte[] decryptKey(byte[] encrypted) {
        return block(encrypted, false);
    }

    /** CMAC(S-MAC, chain ‖ CLA INS P1 P2 ‖ Lc ‖ data), Lc counting the MAC that follows. */
    private byte[] mac(int cla, int ins, int p1, int p2, byte[] data) {
        byte[] header = {(byte) cla, (byte) ins, (byte) p1, (byte) p2, (byte) (data.length + MAC_LENGTH)};
        return cmac(sMac, chain, header, data);
    }

    private byte[] block(byte[] in, boolean encrypt) {
        if (in.length != KEY_LENGTH) {
            throw new IllegalArgumentException("one AES block");
        }
        BlockCipher aes = AESEngine.newInstance();
        aes.init(encrypt, new KeyParameter(sEnc));
        byte[] out = new byte[KEY_LENGTH];
        aes.processBlock(in, 0, out, 0);
        return out;
    }

    /**
     * SCP03's KDF (Amendment D, section 4.1.5): NIST SP 800-108 in counter mode with AES-CMAC:
     * {@code CMAC(key, 11 zero bytes ‖ constant ‖ 0x00 ‖ L ‖ i ‖ context)}, L in bits (two bytes),
     * i the counter (one byte, from 1), as many blocks as L needs.
     */
    static byte[] kdf(byte[] key, int constant, int bits, byte[] context) {
        byte[] out = new byte[bits / 8];
        for (int i = 1, done = 0; done < out.length; i++, done += 16) {
            byte[] label = new byte[16];
            label[11] = (byte) constant;
            label[12] = 0x00;
            label[13] = (byte) (bits >> 8);
            label[14] = (byte) bits;
            label[15] = (byte) i;
            byte[] block = cmac(key, label, context);
            System.arraycopy(block, 0, out, done, Math.min(16, out.length - done));
        }
        return out;
    }

    /** AES-CMAC (NIST SP 800-38B, RFC 4493) of the parts, one after the other. */
    static byte[] cmac(byte[] key, byte[]... parts) {
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            mac.update(Objects.requireNonNull(part, "part"), 0, part.length);
        }
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
