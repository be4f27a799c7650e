package escudo.cli;

import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.s3.card.Card;
import escudo.core.Money;
import escudo.s3.api.CardApplication;
import escudo.s3.api.IssuedCard;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.MerchantApi;
import escudo.http.PartyClient;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The card holder's terminal (seed 003, Figs. 4, 8 and 10, user side): it talks to the card on one
 * side and to the bank or the merchant over HTTP on the other. It never sees a key share.
 */
final class CardHolder {

    private CardHolder() {
    }

    /** Fig. 4: a blank card generates S_U, the bank certifies it and seals S_C back, the card personalises. */
    static Card issueCard(PartyClient bank, Path cardDir, String customerId, CardKind kind, Money amount, String pin) {
        Card card = Card.manufacture(cardDir);
        IssuedCard issued = bank.post("/issuer/cards",
                new CardApplication(customerId, kind, amount, card.userShare(), Bytes.of(card.transportKey())), IssuedCard.class);
        card.personalise(pin, issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
        return card;
    }

    /** Fig. 8, step 440, the merchant's side: its till (with the merchant's operator token) presents a specification. */
    static PaymentSpec presentCheckout(PartyClient till, Money amount, String details) {
        return till.post("/merchant/checkouts", new MerchantApi.Checkout(amount, details), PaymentSpec.class);
    }

    /**
     * Fig. 8, the holder's side: the terminal fetches the specification the till presented under
     * {@code reference}, the user approves with the PIN, the card signs, the merchant accepts. The
     * merchant is reached without any token.
     */
    static AcceptedPayment pay(PartyClient merchant, Card card, String reference, String pin) {
        return send(merchant, card.certificate(), sign(merchant, card, reference, pin));
    }

    /** Fig. 8 up to step 530: the specification presented under {@code reference}, approved with the PIN and signed by the card. */
    static PaymentCertificate sign(PartyClient merchant, Card card, String reference, String pin) {
        return card.pay(merchant.get("/merchant/checkouts/" + reference, PaymentSpec.class), pin);
    }

    /**
     * Step 530: the signed payment goes to the merchant. The card has counted it already, so a
     * payment whose answer was lost is sent again as it is: the merchant accepts it then, or refuses
     * it {@code merchant.duplicate-payment} because it holds it.
     */
    static AcceptedPayment send(PartyClient merchant, CardCertificate card, PaymentCertificate payment) {
        return merchant.post("/merchant/payments", new MerchantApi.Payment(card, payment), AcceptedPayment.class);
    }

    /** The till and the holder's terminal at one counter: the till presents {@code amount}, the card pays it. */
    static AcceptedPayment pay(PartyClient till, PartyClient merchant, Card card, Money amount, String details, String pin) {
        return pay(merchant, card, presentCheckout(till, amount, details).reference(), pin);
    }

    /** Fig. 10: the card's signed request, the bank's signed acknowledgement, the card updated. */
    static WithdrawalAck topUp(PartyClient bank, Card card, Money amount, boolean renew, String pin) {
        WithdrawalAck ack = bank.post("/issuer/withdrawals", card.requestWithdrawal(amount, renew, pin), WithdrawalAck.class);
        card.completeWithdrawal(ack);
        return ack;
    }

    /**
     * Fig. 10 after a lost answer: the request still pending on the card goes again as it was, and
     * the bank answers it with the acknowledgement it gave the first time, so its value arrives on
     * the card once. Empty when nothing was pending, or when the bank refuses the request: then it
     * was never carried out, and a new request replaces it. A bank that cannot be reached leaves it
     * pending for the next try.
     */
    static Optional<WithdrawalAck> completePending(PartyClient bank, Card card) {
        Optional<WithdrawalRequest> pending = card.pendingWithdrawal();
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        WithdrawalAck ack;
        try {
            ack = bank.post("/issuer/withdrawals", pending.get(), WithdrawalAck.class);
        } catch (EscudoException e) {
            if (e.kind() == EscudoException.Kind.INTERNAL) {
                throw e;
            }
            return Optional.empty();
        }
        card.completeWithdrawal(ack);
        return Optional.of(ack);
    }
}
