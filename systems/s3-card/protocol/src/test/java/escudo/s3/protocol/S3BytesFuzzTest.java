package escudo.s3.protocol;

import static escudo.s3.protocol.S3Messages.BANK_ID;
import static escudo.s3.protocol.S3Messages.BANK_KEY;
import static escudo.s3.protocol.S3Messages.BANK_SHARE;
import static escudo.s3.protocol.S3Messages.CARD;
import static escudo.s3.protocol.S3Messages.CARD_NUMBER;
import static escudo.s3.protocol.S3Messages.NOW;
import static escudo.s3.protocol.S3Messages.SEALED_BANK_SHARE;
import static escudo.s3.protocol.S3Messages.TRANSPORT;
import static escudo.testing.Decoding.assertEveryByteFlipRefused;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.Decoding.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.crypto.SecretAccess;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets (docs/fuzzing.md): the S3 messages that arrive as bytes. A CARD-CERT is rebuilt
 * from its signed bytes wherever a card, merchant or bank stored it; the bank share reaches the
 * card sealed. For any input the decoder returns a value or refuses with a typed exception, a
 * decoded certificate re-encodes to the bytes it came from, and only the bank's own bytes verify
 * or open.
 */
class S3BytesFuzzTest {

    static Stream<byte[]> certificates() {
        CardCertificate cheque = CardCertificate.issue("b", "1", CardKind.CHEQUE, "JPY", NOW, NOW.plusMillis(1), null,
                BANK_SHARE.publicShare(), S3Messages.USER_SHARE.publicShare(), BANK_KEY);
        return Stream.of(CARD.signedBytes(), cheque.signedBytes());
    }

    @MethodSource("certificates")
    @FuzzTest(maxDuration = "5s")
    void decodesCertificatesThatReencodeAndVerifiesOnlyTheBanks(byte[] signedBytes) {
        decodedOrRefused(() -> CardCertificate.decode(signedBytes, CARD.signature())).ifPresent(decoded -> {
            assertArrayEquals(signedBytes, decoded.signedBytes(), () -> "a second encoding of a CARD-CERT: " + hex(signedBytes));
            decodedOrRefused(() -> {
                decoded.verify(BANK_KEY.verifyingKey(), BANK_ID, NOW);
                return decoded;
            }).ifPresent(verified -> assertArrayEquals(CARD.signedBytes(), signedBytes,
                    () -> "altered CARD-CERT bytes verify: " + hex(signedBytes)));
        });
    }

    @Test
    void everySingleByteChangeOfACertificateFailsToDecodeOrVerify() {
        assertEveryByteFlipRefused(CARD.signedBytes(), altered -> {
            CardCertificate.decode(altered, CARD.signature()).verify(BANK_KEY.verifyingKey(), BANK_ID, NOW);
            return true;
        });
        assertEveryByteFlipRefused(CARD.signature().toByteArray(), altered -> {
            CardCertificate.decode(CARD.signedBytes(), Bytes.of(altered)).verify(BANK_KEY.verifyingKey(), BANK_ID, NOW);
            return true;
        });
    }

    static Stream<byte[]> sealedShares() {
        return Stream.of(SEALED_BANK_SHARE);
    }

    @MethodSource("sealedShares")
    @FuzzTest(maxDuration = "5s")
    void opensOnlyTheBankShareTheBankSealed(byte[] sealed) {
        decodedOrRefused(() -> BankShare.open(TRANSPORT, sealed, CARD_NUMBER)).ifPresent(share -> {
            assertArrayEquals(SEALED_BANK_SHARE, sealed, () -> "altered sealed bank share opened: " + hex(sealed));
            assertEquals(BANK_SHARE.publicShare(), share.publicShare());
        });
    }

    @Test
    void everySingleByteChangeOfTheSealedBankShareFailsToOpen() {
        assertArrayEquals(BANK_SHARE.toBytes(SecretAccess.forSealedStorage()),
                BankShare.open(TRANSPORT, SEALED_BANK_SHARE, CARD_NUMBER).toBytes(SecretAccess.forSealedStorage()));
        assertEveryByteFlipRefused(SEALED_BANK_SHARE, altered -> BankShare.open(TRANSPORT, altered, CARD_NUMBER) != null);
    }
}
