package escudo.s1.protocol;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.ReaderException;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * QR codes as PNG images (ZXing, ISO/IEC 18004): the service draws the frames of Flow B's animated
 * code, the phone reads the image its camera (here: a screenshot or a file) took. Error correction
 * M (15 %) and the standard quiet zone of four modules, each module {@value #MODULE_PIXELS} pixels,
 * so a photograph of a screen still reads.
 */
public final class QrCode {

    static final int MODULE_PIXELS = 4;
    private static final int QUIET_ZONE = 4;

    private QrCode() {
    }

    /** The PNG of a QR code holding {@code text}. */
    public static byte[] png(String text) {
        Map<EncodeHintType, Object> hints = Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, QUIET_ZONE);
        try {
            QRCodeWriter writer = new QRCodeWriter();
            int modules = writer.encode(text, BarcodeFormat.QR_CODE, 0, 0, hints).getWidth(); // its natural size, quiet zone included
            BitMatrix matrix = writer.encode(text, BarcodeFormat.QR_CODE, modules * MODULE_PIXELS, modules * MODULE_PIXELS, hints);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            MatrixToImageWriter.writeToStream(matrix, "png", png);
            return png.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("the text does not fit a QR code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of the QR code in {@code image} (PNG, JPEG or any format the JDK reads); none is {@code s1.qr-unreadable}. */
    public static String read(byte[] image) {
        BufferedImage picture;
        try {
            picture = ImageIO.read(new ByteArrayInputStream(image));
        } catch (IOException | RuntimeException e) {
            picture = null;
        }
        if (picture == null) {
            throw new ApprovalException(ApprovalException.QR_UNREADABLE, "the image is not one the phone can read");
        }
        // ZXing's detector misses the finder patterns of a few percent of clean frames (data that looks like one); an
        // image that is nothing but the code (a file, a screenshot of the element) then reads as a pure barcode
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(picture)));
        for (Map<DecodeHintType, ?> hints : List.of(Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE), Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))) {
            try {
                return new QRCodeReader().decode(bitmap, hints).getText();
            } catch (ReaderException | RuntimeException e) {
                // the next way, or none
            }
        }
        throw new ApprovalException(ApprovalException.QR_UNREADABLE, "the image holds no QR code the phone can read");
    }
}
