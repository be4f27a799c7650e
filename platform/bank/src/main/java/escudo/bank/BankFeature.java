package escudo.bank;

import escudo.bank.client.BankApi;
import escudo.bank.client.RemoteBank;
import escudo.node.NodeConfig.Role;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.Routes;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import java.time.Duration;
import java.util.TreeMap;

/**
 * The bank every system runs on. On the issuer it opens the {@link Bank} (provided to the systems)
 * and serves the bank's own API: its identity, customers, merchants and ledger (docs/api.md). On
 * a merchant or courier it connects to the configured bank and provides the {@link RemoteBank}.
 */
public final class BankFeature implements Feature {

    static final Duration HOLD_SWEEP = Duration.ofMinutes(1);

    @Override
    public String name() {
        return "bank";
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public void join(Party party) {
        if (party.role() != Role.ISSUER) {
            RemoteBank bank = RemoteBank.connect(party.config().issuerUrl(), party.config().issuerId());
            party.onClose(bank);
            party.provide(RemoteBank.class, bank);
            return;
        }
        Bank bank = new Bank(party.id(), party.secrets().signingKey().verifyingKey(), party.db(), party.clock());
        party.provide(Bank.class, bank);
        // A payment releases its account's expired holds itself; this releases the ones nobody touches.
        party.every(HOLD_SWEEP, "void expired holds", () -> bank.ledger().voidExpiredHolds());
        Desk desk = new Desk(party.secrets().operatorToken(), "a bank desk operation");
        party.routes(r -> {
            Routes.get(r, "/issuer", req -> new BankApi.BankInfo(bank.bankId(), bank.publicKey()));
            Routes.post(r, "/issuer/customers", BankApi.OpenCustomer.class, (body, req) -> {
                desk.require(req);
                bank.openCustomer(body.customerId(), body.name(), body.openingDeposit());
                return new Created(new BankApi.Balance(body.customerId(), bank.customerBalance(body.customerId())),
                        "/issuer/customers/" + body.customerId());
            });
            Routes.get(r, "/issuer/customers/{id}", req ->
                    desk.only(req, () -> new BankApi.Balance(req.path("id"), bank.customerBalance(req.path("id")))));
            Routes.post(r, "/issuer/merchants", BankApi.OpenMerchant.class, (body, req) -> {
                desk.require(req);
                bank.openMerchant(body.merchantId(), body.name(), body.currency(), body.publicKey());
                return new Created(new BankApi.Balance(body.merchantId(), bank.merchantBalance(body.merchantId())),
                        "/issuer/merchants/" + body.merchantId());
            });
            Routes.get(r, "/issuer/merchants/{id}", req ->
                    desk.only(req, () -> new BankApi.Balance(req.path("id"), bank.merchantBalance(req.path("id")))));
            Routes.get(r, "/issuer/ledger", req -> {
                desk.require(req);
                var totals = new TreeMap<String, Long>();
                bank.ledger().totals().forEach((currency, total) -> totals.put(currency.getCurrencyCode(), total));
                return new BankApi.LedgerView(bank.ledger().accounts().stream().map(a -> new BankApi.AccountView(a.id(),
                        a.owner(), a.currency(), a.creditLimitMinor(), a.balance(), a.openedAt())).toList(), totals);
            });
        });
    }
}
