package escudo.s4.server;

import escudo.bank.Bank;
import escudo.core.Bytes;
import escudo.node.NodeConfig.Role;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Feature;
import escudo.node.spi.Party;
import escudo.s4.session.Envelope;
import escudo.s4.session.Provider;
import escudo.s4.session.SessionApi;

/**
 * S4, part 2 (seed 004, claims 13-53) on the bank: the bank is the service provider whose domain
 * its customers' cards hold. Members reach it over HTTP, alone or through the members and routers
 * before them (docs/s4-session.md).
 */
public final class S4Feature implements Feature {

    /** The vault box the session secrets are sealed with at rest. */
    static final String SECRETS = "s4-sessions";

    @Override
    public String name() {
        return "s4";
    }

    @Override
    public void join(Party party) {
        if (party.role() != Role.ISSUER) {
            return;
        }
        Provider provider = new Provider(party.id(), party.secrets().signingKey(), party.secrets().sealKey("s4-session"));
        Sessions sessions = new Sessions(party.require(Bank.class), party.db(), party.clock(), provider, party.secrets().box(SECRETS));
        party.provide(Sessions.class, sessions);
        Desk desk = new Desk(party.secrets().operatorToken(), "the bank's desk");
        RateLimit limit = party.rateLimit();
        SessionApi.ProviderInfo info = new SessionApi.ProviderInfo(party.id(), provider.keys().signing().hex(), Bytes.of(provider.keys().sealing()));
        party.routes(r -> {
            Routes.get(r, "/issuer/s4/provider", req -> info);
            Routes.post(r, "/issuer/s4/members", SessionApi.Register.class, (body, req) -> desk.only(req,
                    () -> new Created(sessions.register(body.customerId(), body.cardKey().toByteArray()))));
            // open, as every part is signed by a member's card and each costs signature checks: limited
            Routes.post(r, "/issuer/s4/messages", SessionApi.Message.class, (body, req) -> {
                limit.admit(req);
                return new SessionApi.Reply(Bytes.of(sessions.handle(Envelope.decode(body.message().toByteArray())).encode()));
            });
        });
    }
}
