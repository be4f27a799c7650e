package escudo.s0.server;

import escudo.bank.Bank;
import escudo.node.NodeConfig.Role;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.s0.api.TradeApi;
import escudo.s0.protocol.RegistrationReceipt;
import escudo.s0.protocol.TradeEnvelope;
import escudo.s0.server.issuer.Enrolment;
import escudo.s0.server.issuer.TradeCenter;

/**
 * S0, the device-bound trade channel (seed 000), on the bank: enrolment codes at the desk, device
 * registration, two-layer trade messages and revocation (docs/api.md). Only the bank takes part.
 */
public final class S0Feature implements Feature {

    /** Vault names of the centre's keys; fixed, so a node keeps its registered devices across restarts. */
    private static final String REGISTRATION_KEY = "issuer-registration";
    private static final String DEVICE_SECRETS = "issuer-devices";

    @Override
    public String name() {
        return "s0";
    }

    @Override
    public void join(Party party) {
        if (party.role() != Role.ISSUER) {
            return;
        }
        TradeCenter trade = new TradeCenter(party.require(Bank.class), party.db(), party.secrets().signingKey(),
                party.secrets().sealKey(REGISTRATION_KEY), party.secrets().box(DEVICE_SECRETS), party.clock());
        party.provide(TradeCenter.class, trade);
        Desk desk = new Desk(party.secrets().operatorToken(), "a bank desk operation");
        RateLimit limit = party.rateLimit();
        party.routes(r -> {
            Routes.get(r, "/issuer/devices/registration", req -> trade.registrationInfo());
            Routes.post(r, "/issuer/devices/enrolments", TradeApi.Enrol.class, (body, req) -> {
                desk.require(req);
                Enrolment enrolment = trade.issueEnrolment(body.customerId());
                return new Created(new TradeApi.EnrolmentCode(enrolment.code(), enrolment.expiresAt()));
            });
            // open to any device, and an HPKE open before the enrolment code is checked: limited per address
            Routes.post(r, "/issuer/devices", TradeApi.Registration.class, (body, req) -> {
                limit.admit(req);
                RegistrationReceipt receipt = trade.register(body.sealed().toByteArray());
                return new Created(receipt, "/issuer/devices/" + receipt.deviceId());
            });
            Routes.get(r, "/issuer/devices/{id}", req -> desk.only(req, () -> trade.device(req.path("id"))));
            Routes.post(r, "/issuer/devices/{id}/messages", TradeEnvelope.class, (body, req) -> trade.handle(req.path("id"), body));
            Routes.post(r, "/issuer/devices/{id}/revocation", TradeApi.Revocation.class,
                    (body, req) -> desk.only(req, () -> trade.revoke(req.path("id"))));
            Routes.get(r, "/issuer/customers/{id}/devices", req -> desk.only(req, () -> new TradeApi.Devices(trade.devices(req.path("id")))));
        });
    }
}
