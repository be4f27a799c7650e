package escudo.node.api;

import escudo.core.Money;
import escudo.crypto.VerifyingKey;
import escudo.s3.server.issuer.Alert;
import escudo.ledger.Account;
import java.util.List;
import java.util.Map;

/** The JSON bodies of the issuer's HTTP API that are not protocol messages themselves. */
public final class IssuerApi {

    private IssuerApi() {
    }

    /** {@code GET /issuer}: who the bank is and the key that signs CARD-CERTs, receipts and blacklists. */
    public record BankInfo(String bankId, VerifyingKey publicKey) {
    }

    /** {@code POST /issuer/customers}. */
    public record OpenCustomer(String customerId, String name, Money openingDeposit) {
    }

    /** {@code POST /issuer/merchants}: seed 003, Fig. 3. */
    public record OpenMerchant(String merchantId, String name, String currency, VerifyingKey publicKey) {
    }

    /** The balance of one account. */
    public record Balance(String owner, Money balance) {
    }

    public record Alerts(List<Alert> alerts) {
    }

    /** {@code GET /issuer/ledger}: every account and the per-currency totals (zero in double entry). */
    public record LedgerView(List<Account> accounts, Map<String, Long> totals) {
    }
}
