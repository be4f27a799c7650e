package escudo.s3.server;

import escudo.bank.Bank;
import escudo.bank.client.RemoteBank;
import escudo.node.NodeConfig;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.node.spi.Setting;
import escudo.s3.api.Alerts;
import escudo.s3.api.CardApplication;
import escudo.s3.api.MerchantApi;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.s3.server.issuer.Issuer;
import escudo.s3.server.merchant.Merchant;
import java.time.Duration;
import java.util.List;

/**
 * S3, offline card payments (seed 003), on a node: on the bank, card issuing, deposit clearing,
 * top-up, the blacklist and alerts; on a merchant, checkout, offline acceptance and deposits
 * (docs/api.md). The courier has no part in S3.
 */
public final class S3Feature implements Feature {

    /** How often the merchant deletes unpaid checkouts past {@link Merchant#UNPAID_CHECKOUT_RETENTION}. */
    public static final Duration CHECKOUT_CLEANUP = Duration.ofMinutes(5);

    /** Batches one {@code POST /merchant/deposits} sends (2,000 payments, about two seconds); the caller asks again for the rest. */
    public static final int BATCHES_PER_CALL = 20;

    public static final Setting<Long> ONLINE_LIMIT = Setting.number("escudo.merchant.online.limit", 10_000, 0,
            "A payment above this amount (in minor units) clears online at the bank before the merchant accepts it.");

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(ONLINE_LIMIT);
    }

    @Override
    public void join(Party party) {
        switch (party.role()) {
            case ISSUER -> joinBank(party);
            case MERCHANT -> joinMerchant(party);
            case COURIER -> { }
        }
    }

    private static void joinBank(Party party) {
        Issuer issuer = new Issuer(Issuer.Settings.defaults(party.id()), party.require(Bank.class), party.secrets().signingKey());
        party.provide(Issuer.class, issuer);
        Desk desk = new Desk(party.secrets().operatorToken(), "a bank desk operation");
        party.routes(r -> {
            Routes.post(r, "/issuer/cards", CardApplication.class, (body, req) -> {
                desk.require(req);
                var issued = issuer.issueCard(body);
                return new Created(issued, "/issuer/cards/" + issued.certificate().cardNumber());
            });
            Routes.get(r, "/issuer/cards/{number}", req -> desk.only(req, () -> issuer.card(req.path("number"))));
            Routes.post(r, "/issuer/deposits", DepositRequest.class, (body, req) -> issuer.deposit(body));
            Routes.post(r, "/issuer/withdrawals", WithdrawalRequest.class, (body, req) -> issuer.withdraw(body));
            Routes.get(r, "/issuer/blacklist", req -> issuer.blacklist());
            Routes.get(r, "/issuer/alerts", req -> desk.only(req, () -> new Alerts(issuer.alerts())));
        });
    }

    /**
     * The merchant learns the bank's key from the bank it is configured with (the bank feature
     * checked its id). What is the merchant's own (its till presenting a checkout, its payments,
     * deposits and blacklist copy) needs its operator's token; the holder's terminal needs none:
     * it fetches the checkout the till names and pays it, and sees only that payment's outcome.
     */
    private static void joinMerchant(Party party) {
        NodeConfig config = party.config();
        RemoteBank bank = party.require(RemoteBank.class);
        Merchant merchant = new Merchant(new Merchant.Settings(party.id(), bank.info().bankId(), config.merchantCurrency(),
                party.setting(ONLINE_LIMIT)), party.db(), party.secrets().signingKey(), bank.info().publicKey(),
                new HttpBankLink(bank), party.clock());
        party.provide(Merchant.class, merchant);
        party.every(CHECKOUT_CLEANUP, "forget expired checkouts", merchant::forgetExpiredCheckouts);
        Desk desk = new Desk(party.secrets().operatorToken(), "a merchant desk operation");
        RateLimit limit = party.rateLimit();
        party.routes(r -> {
            Routes.get(r, "/merchant", req -> new MerchantApi.MerchantInfo(merchant.merchantId(), merchant.publicKey(),
                    config.merchantCurrency()));
            // seed 003, step 440: the till presents the specification, the holder's terminal fetches it by its reference
            Routes.post(r, "/merchant/checkouts", MerchantApi.Checkout.class,
                    (body, req) -> desk.only(req, () -> merchant.checkout(body.amount(), body.details())));
            Routes.get(r, "/merchant/checkouts/{reference}", req -> merchant.presented(req.path("reference")));
            Routes.post(r, "/merchant/payments", MerchantApi.Payment.class, (body, req) -> {
                limit.admit(req);
                return merchant.accept(body.card(), body.payment());
            });
            Routes.get(r, "/merchant/payments", req -> desk.only(req, () -> new MerchantApi.Payments(merchant.payments())));
            Routes.post(r, "/merchant/deposits", MerchantApi.Command.class,
                    (body, req) -> desk.only(req, () -> merchant.depositCollected(BATCHES_PER_CALL)));
            Routes.post(r, "/merchant/blacklist", MerchantApi.Command.class,
                    (body, req) -> desk.only(req, merchant::refreshBlacklist));
        });
    }
}
