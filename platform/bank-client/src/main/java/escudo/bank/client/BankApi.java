package escudo.bank.client;

import escudo.core.Money;
import escudo.crypto.VerifyingKey;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Map;

/** The JSON bodies of the bank's own HTTP API (its identity, customers, merchants and ledger; docs/api.md). */
public final class BankApi {

    private BankApi() {
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

    /** {@code GET /issuer/ledger}: every account and the per-currency totals (zero in double entry). */
    public record LedgerView(List<AccountView> accounts, Map<String, Long> totals) {
    }

    /** One ledger account as it stood when read; {@code creditLimitMinor} as the ledger keeps it. */
    public record AccountView(String id, String owner, Currency currency, long creditLimitMinor, Money balance, Instant openedAt) {
    }
}
