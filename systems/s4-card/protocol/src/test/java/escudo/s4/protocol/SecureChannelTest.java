package escudo.s4.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.smartcardio.CommandAPDU;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureChannelTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");

    @TempDir
    Path dir;

    /** RFC 4493, section 4: AES-CMAC of the empty message and of 16, 40 and 64 bytes under the example key. */
    @Test
    void cmacIsRfc4493() {
        byte[] message = HEX.parseHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52ef"
                + "f69f2445df4f9b17ad2b417be66c3710");
        assertEquals("bb1d6929e95937287fa37d129b756746", HEX.formatHex(SecureChannel.cmac(KEY)));
        assertEquals("070a16b46b4d4144f79bdd9dd04a287c", HEX.formatHex(SecureChannel.cmac(KEY, java.util.Arrays.copyOf(message, 16))));
        assertEquals("dfa66747de9ae63030ca32611497c827", HEX.formatHex(SecureChannel.cmac(KEY, java.util.Arrays.copyOf(message, 40))));
        assertEquals("51f0bebf7e3b9d92fc49741779363cfe", HEX.formatHex(SecureChannel.cmac(KEY, message)));
    }

    /** openssl, an implementation not ours, computes the same CMAC over a derivation block of the KDF. */
    @Test
    void theKdfsCmacIsWhatOpensslComputes() throws Exception {
        byte[] context = HEX.parseHex("0011223344556677" + "8899aabbccddeeff");
        byte[] derivation = HEX.parseHex("0000000000000000000000" + "06" + "00" + "0080" + "01");
        byte[] block = java.util.Arrays.copyOf(derivation, derivation.length + context.length); // SCP03's S-MAC block, then the context
        System.arraycopy(context, 0, block, derivation.length, context.length);
        Files.write(dir.resolve("in.bin"), block);
        Command mac = Command.run(dir, "openssl", "mac", "-cipher", "AES-128-CBC", "-macopt", "hexkey:" + HEX.formatHex(KEY), "-in", "in.bin", "CMAC");
        assertEquals(0, mac.exit(), mac.output());
        assertEquals(mac.output().strip().toLowerCase(), HEX.formatHex(SecureChannel.kdf(KEY, SecureChannel.S_MAC, 128, context)));
    }

    @Test
    void bothSidesDeriveTheSameSessionAndEveryCommandsMacChainsOverTheOnesBefore() {
        byte[] host = HEX.parseHex("0102030405060708");
        byte[] card = HEX.parseHex("1112131415161718");
        SecureChannel terminal = SecureChannel.derive(KEY, host, card);
        SecureChannel onTheCard = SecureChannel.derive(KEY, host, card);
        assertTrue(terminal.isCardCryptogram(onTheCard.cardCryptogram()));
        assertTrue(onTheCard.isHostCryptogram(terminal.hostCryptogram()));
        assertFalse(terminal.isCardCryptogram(terminal.hostCryptogram()), "the two cryptograms differ");
        assertFalse(SecureChannel.derive(KEY, host, HEX.parseHex("1112131415161719")).isCardCryptogram(onTheCard.cardCryptogram()),
                "another card challenge, another session");

        CommandAPDU first = terminal.wrap(new CommandAPDU(0x84, 0xE6, 0x00, 0x00, new byte[] {1, 0, 1, 2}));
        CommandAPDU second = terminal.wrap(new CommandAPDU(0x84, 0xE6, 0x00, 0x00, new byte[] {1, 0, 1, 2}));
        assertFalse(java.util.Arrays.equals(first.getData(), second.getData()), "the same command twice, two MACs");
        assertArrayEquals(new byte[] {1, 0, 1, 2}, onTheCard.unwrap(first));
        assertNull(onTheCard.unwrap(first), "replayed");
        assertNotNull(onTheCard.unwrap(second));
        CommandAPDU third = terminal.wrap(new CommandAPDU(0x84, 0xE6, 0x00, 0x00, new byte[] {1, 0, 1, 2}));
        byte[] altered = third.getBytes();
        altered[5] ^= 0x01; // the first data byte, under the MAC
        assertNull(onTheCard.unwrap(new CommandAPDU(altered)));
        assertArrayEquals(HEX.parseHex("00112233445566778899aabbccddeeff"),
                onTheCard.decryptKey(terminal.encryptKey(HEX.parseHex("00112233445566778899aabbccddeeff"))));
        assertThrows(IllegalArgumentException.class, () -> SecureChannel.derive(new byte[15], host, card));
    }
}
