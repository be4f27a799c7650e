package escudo.s3.protocol;

import static escudo.s3.protocol.S3Messages.ACK;
import static escudo.s3.protocol.S3Messages.BANK_ID;
import static escudo.s3.protocol.S3Messages.BANK_KEY;
import static escudo.s3.protocol.S3Messages.BLACKLIST;
import static escudo.s3.protocol.S3Messages.CARD;
import static escudo.s3.protocol.S3Messages.DEPOSIT;
import static escudo.s3.protocol.S3Messages.MERCHANT_KEY;
import static escudo.s3.protocol.S3Messages.NOW;
import static escudo.s3.protocol.S3Messages.PAYMENT;
import static escudo.s3.protocol.S3Messages.RECEIPT;
import static escudo.s3.protocol.S3Messages.SEALED_BANK_SHARE;
import static escudo.s3.protocol.S3Messages.SPEC;
import static escudo.s3.protocol.S3Messages.TRANSPORT;
import static escudo.s3.protocol.S3Messages.WITHDRAWAL;
import static escudo.testing.Decoding.decodedOrRefused;
import static escudo.testing.WireTypes.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Bytes;
import escudo.core.Money;
import escudo.http.Json;
import escudo.s3.api.CardApplication;
import escudo.s3.api.IssuedCard;
import escudo.s3.api.MerchantApi;
import escudo.testing.WireTypes;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the JSON mapping of S3's wire bodies, the requests the bank and
 * the merchant read and the answers the card's terminal reads. For any body {@link Json#read}
 * returns the record or refuses with a typed exception; what it returns writes and reads back as
 * itself; and a signed message that still verifies is the one that was signed.
 */
class S3JsonFuzzTest {

    private static final WireTypes WIRES = new WireTypes(Json::read, Json::write, List.of(
            wire(CardCertificate.class, CARD, S3JsonFuzzTest::onlyTheBanksCertificateVerifies),
            wire(PaymentCertificate.class, PAYMENT, S3JsonFuzzTest::onlyTheCardsPaymentVerifies),
            wire(MerchantApi.Payment.class, new MerchantApi.Payment(CARD, PAYMENT), payment -> {
                onlyTheBanksCertificateVerifies(payment.card());
                onlyTheCardsPaymentVerifies(payment.payment());
            }),
            wire(DepositRequest.class, DEPOSIT, deposit -> ifVerifies(() -> deposit.verify(MERCHANT_KEY.verifyingKey()),
                    () -> assertSigned(DEPOSIT.signedBytes(), DEPOSIT.signature(), deposit.signedBytes(), deposit.signature()))),
            wire(DepositReceipt.class, RECEIPT, receipt -> ifVerifies(() -> receipt.verify(BANK_KEY.verifyingKey()),
                    () -> assertEquals(RECEIPT, receipt))),
            wire(WithdrawalRequest.class, WITHDRAWAL, request -> ifVerifies(() -> request.verify(CARD),
                    () -> assertSigned(WITHDRAWAL.signedBytes(), WITHDRAWAL.signature(), request.signedBytes(), request.signature()))),
            wire(WithdrawalAck.class, ACK, ack -> ifVerifies(() -> ack.verify(BANK_KEY.verifyingKey()),
                    () -> assertSigned(ACK.signedBytes(), ACK.signature(), ack.signedBytes(), ack.signature()))),
            wire(Blacklist.class, BLACKLIST, list -> ifVerifies(() -> list.verify(BANK_KEY.verifyingKey()),
                    () -> assertEquals(BLACKLIST, list))),
            wire(IssuedCard.class, new IssuedCard(CARD, Bytes.of(SEALED_BANK_SHARE), BANK_KEY.verifyingKey(), 5000), issued -> {
                onlyTheBanksCertificateVerifies(issued.certificate());
                decodedOrRefused(() -> BankShare.open(TRANSPORT, issued.sealedBankShare().toByteArray(), issued.certificate().cardNumber()))
                        .ifPresent(share -> assertArrayEquals(SEALED_BANK_SHARE, issued.sealedBankShare().toByteArray()));
            }),
            wire(CardApplication.class, new CardApplication("customer-1", CardKind.CREDIT, Money.of(100_000, "EUR"),
                    S3Messages.USER_SHARE.publicShare(), Bytes.of(TRANSPORT.publicKey()))),
            wire(PaymentSpec.class, SPEC),
            wire(MerchantApi.Checkout.class, new MerchantApi.Checkout(Money.of(1250, "EUR"), "2 × café")),
            wire(MerchantApi.Command.class, new MerchantApi.Command())));

    static Stream<byte[]> bodies() {
        return WIRES.seeds();
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void readsOrRefusesEveryBodyAndOnlyTheSignedOneVerifies(byte[] input) {
        WIRES.readOrRefuse(input);
    }

    private static void onlyTheBanksCertificateVerifies(CardCertificate card) {
        ifVerifies(() -> card.verify(BANK_KEY.verifyingKey(), BANK_ID, NOW),
                () -> assertSigned(CARD.signedBytes(), CARD.signature(), card.signedBytes(), card.signature()));
    }

    private static void onlyTheCardsPaymentVerifies(PaymentCertificate payment) {
        ifVerifies(() -> payment.verify(CARD), () -> assertSigned(PAYMENT.signedBytes(), PAYMENT.signature(),
                payment.signedBytes(), payment.signature()));
    }

    /** Runs {@code then} if {@code verify} accepts; a typed refusal is the expected outcome for an altered message. */
    private static void ifVerifies(Runnable verify, Runnable then) {
        Supplier<Boolean> verified = () -> {
            verify.run();
            return true;
        };
        decodedOrRefused(verified).ifPresent(ok -> then.run());
    }

    private static void assertSigned(byte[] signedBytes, Bytes signature, byte[] actualBytes, Bytes actualSignature) {
        assertArrayEquals(signedBytes, actualBytes, "an altered message verifies");
        assertEquals(signature, actualSignature, "an altered signature verifies");
    }
}
