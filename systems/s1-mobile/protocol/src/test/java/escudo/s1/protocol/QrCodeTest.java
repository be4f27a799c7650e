package escudo.s1.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The phone reads every frame the service draws: ZXing's writer and reader, round trip, over four hundred frame-sized texts. */
class QrCodeTest {

    @Test
    void everyFrameSizedTextReadsBackFromItsImage() {
        Random random = new Random(42);
        int failures = 0;
        for (int i = 0; i < 400; i++) {
            byte[] bytes = new byte[250 + random.nextInt(80)];
            random.nextBytes(bytes);
            String text = "escudo-s1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                assertEquals(text, QrCode.read(QrCode.png(text)));
            } catch (ApprovalException e) {
                failures++;
            }
        }
        assertEquals(0, failures, "frames the phone could not read");
    }
}
