package escudo.s2.client;

import static escudo.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import escudo.s2.protocol.BlomShare;
import escudo.s2.protocol.OrderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlomSharesTest {

    @TempDir
    Path dir;

    @Test
    void issuedSharesAreReadBackAndNeverOverwritten() throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("shop", BlomShares.file(dir, "shop"));
        files.put("bank", BlomShares.file(dir, "bank"));
        BlomShares.issue(2, files);
        BlomShare shop = BlomShares.read(files.get("shop"));
        BlomShare bank = BlomShares.read(files.get("bank"));
        assertEquals("shop", shop.myId());
        assertEquals("bank", bank.myId());

        byte[] before = Files.readAllBytes(files.get("shop"));
        assertRefused(BlomShares.EXISTS, () -> BlomShares.issue(2, files));
        assertArrayEquals(before, Files.readAllBytes(files.get("shop")), "the first share is kept");
    }

    @Test
    void aMissingUnreadableOrBadlyNamedShareIsRefused() throws Exception {
        assertRefused(BlomShares.NO_BLOM_SHARE, () -> BlomShares.read(dir.resolve("nobody.share")));
        Path folder = Files.createDirectory(dir.resolve("folder.share"));
        assertRefused(BlomShares.UNREADABLE, () -> BlomShares.read(folder));
        assertRefused(OrderException.MALFORMED, () -> BlomShares.file(dir, "../escape"));
    }
}
