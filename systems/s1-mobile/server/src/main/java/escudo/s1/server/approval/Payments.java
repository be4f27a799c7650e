package escudo.s1.server.approval;

import escudo.bank.Bank;
import escudo.core.Money;
import escudo.s1.protocol.ApprovalException;
import escudo.s1.protocol.ApprovalRequest;
import escudo.s1.protocol.Transaction;
import escudo.s1.protocol.UserIdentity;
import escudo.s1.server.ca.CertificationAuthority;
import escudo.storage.Tx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

/**
 * What every approval at the bank does with money, whichever flow brought it (Fig. 3's push or
 * Fig. 5's QR code): the transaction the user will see, built from what the page asked with the
 * payee's name as the bank knows it, and, once signed, the ledger transfer that carries it out,
 * idempotent by the approval's id.
 */
final class Payments {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Bank bank;
    private final CertificationAuthority ca;
    private final Clock clock;

    Payments(Bank bank, CertificationAuthority ca, Clock clock) {
        this.bank = bank;
        this.ca = ca;
        this.clock = clock;
    }

    Bank bank() {
        return bank;
    }

    /** Refuses unless the customer has a good, confirmed certificate on that phone: there is no phone to ask. */
    void requireCertificate(String customerId, String phoneNumber) {
        UserIdentity.requirePhoneNumber(phoneNumber);
        if (ca.certificatesOf(customerId).stream().noneMatch(e -> e.phoneNumber().equals(phoneNumber) && e.confirmedAt() != null
                && e.revokedAt() == null && e.certificate().getNotAfter().toInstant().isAfter(clock.instant()))) {
            throw new ApprovalException(ApprovalException.NO_CERTIFICATE, "the customer has no good certificate on that phone");
        }
    }

    /** The user as the certificate names them. */
    UserIdentity user(Tx tx, String customerId, String phoneNumber) {
        return new UserIdentity(bank.customerName(tx, customerId), customerId, phoneNumber);
    }

    /** Online banking: a transfer to {@code payeeCustomerId}, whose name comes from the bank. */
    Transaction transfer(Tx tx, String customerId, String payeeCustomerId, Money amount, String message) {
        if (payeeCustomerId.equals(customerId)) {
            throw new ApprovalException(ApprovalException.INVALID_TRANSACTION, "a transfer goes to another customer");
        }
        Transaction.Transfer transfer = new Transaction.Transfer(payeeCustomerId, bank.customerName(tx, payeeCustomerId), amount, message);
        requireCurrency(bank.customer(tx, customerId).currency(), bank.customer(tx, payeeCustomerId).currency(), amount);
        return transfer;
    }

    /** A sale at the bank's merchant {@code merchantId} (a shop's or a kiosk's). */
    Transaction purchase(Tx tx, String customerId, String merchantId, Money amount, String description) {
        Transaction.Purchase purchase = new Transaction.Purchase(merchantId, bank.merchantName(tx, merchantId), amount, description);
        requireCurrency(bank.customer(tx, customerId).currency(), bank.merchant(tx, merchantId).currency(), amount);
        return purchase;
    }

    /** S270: moves the money of a signed {@code request}, once: the ledger transfer's id is the approval's. */
    void carryOut(Tx tx, ApprovalRequest request) {
        Bank.Customer payer = bank.customer(tx, request.user().customerId());
        String transferId = "s1:" + request.approvalId();
        switch (request.transaction()) {
            case Transaction.Transfer t -> bank.moveCustomerFunds(tx, transferId, payer, bank.currentAccount(tx, t.payeeCustomerId()).id(),
                    t.amount(), "S1 transfer to " + t.payeeCustomerId() + ": " + t.message());
            case Transaction.Purchase p -> bank.moveCustomerFunds(tx, transferId, payer, bank.depositAccount(tx, p.merchantId()).id(),
                    p.amount(), "S1 purchase at " + p.merchantId() + ": " + p.description());
        }
    }

    /** A fresh approval id: 128 random bits. */
    static String approvalId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return "apv-" + HexFormat.of().formatHex(id);
    }

    private static void requireCurrency(String payer, String payee, Money amount) {
        if (!payer.equals(amount.currency().getCurrencyCode()) || !payee.equals(payer)) {
            throw new ApprovalException(ApprovalException.INVALID_TRANSACTION, "the amount is not in the payer's and the payee's currency");
        }
    }
}
