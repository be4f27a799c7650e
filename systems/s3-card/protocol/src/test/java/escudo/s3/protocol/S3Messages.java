package escudo.s3.protocol;

import escudo.core.Bytes;
import escudo.core.Money;
import escudo.crypto.Hpke;
import escudo.crypto.JointKey;
import escudo.crypto.KeyShare;
import escudo.crypto.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One valid instance of every S3 message, built with the public API, so that the fuzz targets
 * start from real structure. The keys are drawn anew in each run: a message that a fuzzer saved in
 * an earlier run (its corpus is kept) was signed or sealed under other keys, so in this run it is
 * as foreign as a forgery, and "only this run's message verifies" stays exact even where sealing
 * and the joint signature are randomised.
 */
final class S3Messages {

    static final String BANK_ID = "escudo-bank";
    static final String CARD_NUMBER = "6099123456789014";
    static final String MERCHANT_ID = "merchant-42";
    static final Instant NOW = Instant.parse("2030-03-14T09:26:53.589Z");

    static final SigningKey BANK_KEY = SigningKey.generate();
    static final SigningKey MERCHANT_KEY = SigningKey.generate();
    static final KeyShare USER_SHARE = KeyShare.generate();
    static final KeyShare BANK_SHARE = KeyShare.generate();
    static final JointKey JOINT = JointKey.of(USER_SHARE, BANK_SHARE);
    static final Hpke.Recipient TRANSPORT = Hpke.Recipient.generate();

    static final CardCertificate CARD = CardCertificate.issue(BANK_ID, CARD_NUMBER, CardKind.CASH, "EUR",
            NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(365)), "offline-limit=5000",
            BANK_SHARE.publicShare(), USER_SHARE.publicShare(), BANK_KEY);
    static final PaymentSpec SPEC = new PaymentSpec(MERCHANT_ID, NOW, Money.of(1250, "EUR"), "2 × café", "order-0001");
    static final PaymentCertificate PAYMENT = new PaymentCertificate(CARD_NUMBER, 7, SPEC,
            Bytes.of(JOINT.sign(PaymentCertificate.signedBytes(CARD_NUMBER, 7, SPEC))));
    static final DepositRequest DEPOSIT = DepositRequest.sign(MERCHANT_ID, NOW, "nonce-1",
            List.of(new DepositRequest.Payment(CARD, PAYMENT)), MERCHANT_KEY);
    static final DepositReceipt RECEIPT = DepositReceipt.sign(BANK_ID, MERCHANT_ID, "nonce-1", NOW, List.of(
            new DepositReceipt.Status(CARD_NUMBER, 7, DepositReceipt.Outcome.CLEARED, Money.of(1250, "EUR"), "", ""),
            new DepositReceipt.Status(CARD_NUMBER, 8, DepositReceipt.Outcome.REFUSED, Money.of(0, "EUR"), "s3.payment-forged", "no")),
            BANK_KEY);
    static final WithdrawalRequest WITHDRAWAL = withdrawal(3, Money.of(500, "EUR"), Money.of(2000, "EUR"), false);
    static final WithdrawalAck ACK = WithdrawalAck.sign(CARD_NUMBER, 3, Money.of(2000, "EUR"), Money.of(2500, "EUR"),
            CARD, NOW, BANK_KEY);
    static final Blacklist BLACKLIST = Blacklist.sign(BANK_ID, NOW, List.of("6099000000000001", CARD_NUMBER), BANK_KEY);
    static final byte[] SEALED_BANK_SHARE = BankShare.seal(BANK_SHARE, TRANSPORT.publicKey(), CARD_NUMBER);

    private S3Messages() {
    }

    static WithdrawalRequest withdrawal(long sequence, Money balance, Money amount, boolean renew) {
        byte[] signed = WithdrawalRequest.signedBytes(CARD_NUMBER, sequence, balance, amount, renew, NOW);
        return new WithdrawalRequest(CARD_NUMBER, sequence, balance, amount, renew, NOW, Bytes.of(JOINT.sign(signed)));
    }
}
