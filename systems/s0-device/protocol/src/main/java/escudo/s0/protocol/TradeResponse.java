package escudo.s0.protocol;

import escudo.core.Money;
import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.crypto.CryptoException;
import java.util.ArrayList;
import java.util.List;

/** The issuer's answer inside a protected trade message. */
public sealed interface TradeResponse {

    String DOMAIN = "escudo/s0/response/v1";

    /** One of the user's accounts. */
    record AccountBalance(String account, Money balance) {
    }

    record Balances(List<AccountBalance> accounts) implements TradeResponse {
        public Balances {
            accounts = List.copyOf(accounts);
        }
    }

    record TransferDone(String transferId, List<AccountBalance> accounts) implements TradeResponse {
        public TransferDone {
            accounts = List.copyOf(accounts);
        }
    }

    record OrderPaid(String orderId, String merchantId, Money amount, Money balance) implements TradeResponse {
    }

    /** The request was understood and refused; nothing changed. */
    record Refused(String code, String message) implements TradeResponse {
    }

    default byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN);
        switch (this) {
            case Balances b -> balances(w.string("balances"), b.accounts());
            case TransferDone t -> balances(w.string("transfer-done").string(t.transferId()), t.accounts());
            case OrderPaid o -> w.string("order-paid").string(o.orderId()).string(o.merchantId()).money(o.amount()).money(o.balance());
            case Refused f -> w.string("refused").string(f.code()).string(f.message());
        }
        return w.toByteArray();
    }

    static TradeResponse decode(byte[] bytes) {
        try {
            CanonicalReader r = CanonicalReader.expect(bytes, DOMAIN);
            TradeResponse response = switch (r.string()) {
                case "balances" -> new Balances(balances(r));
                case "transfer-done" -> new TransferDone(r.string(), balances(r));
                case "order-paid" -> new OrderPaid(r.string(), r.string(), r.money(), r.money());
                case "refused" -> new Refused(r.string(), r.string());
                default -> throw TradeException.malformed("unknown trade response");
            };
            r.end();
            return response;
        } catch (CryptoException e) {
            throw TradeException.malformed("the trade response is malformed: " + e.getMessage());
        }
    }

    private static CanonicalWriter balances(CanonicalWriter w, List<AccountBalance> accounts) {
        w.u32(accounts.size());
        accounts.forEach(a -> w.string(a.account()).money(a.balance()));
        return w;
    }

    private static List<AccountBalance> balances(CanonicalReader r) {
        long n = r.u32();
        if (n > 64) {
            throw TradeException.malformed("too many accounts");
        }
        List<AccountBalance> accounts = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            accounts.add(new AccountBalance(r.string(), r.money()));
        }
        return accounts;
    }
}
