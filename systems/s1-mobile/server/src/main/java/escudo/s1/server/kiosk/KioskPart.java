package escudo.s1.server.kiosk;

import escudo.bank.BankException;
import escudo.core.Bytes;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.http.PartyClient;
import escudo.node.http.Created;
import escudo.node.http.Desk;
import escudo.node.http.RateLimit;
import escudo.node.http.Routes;
import escudo.node.spi.Party;
import escudo.s1.api.KioskApi;
import escudo.s1.protocol.RelyingParty;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Flow C (seed 001, Figs. 6-7) on a merchant's node: the kiosk's part of S1's feature. */
public final class KioskPart {

    private KioskPart() {
    }

    /**
     * Adds the kiosk to a merchant's {@code party}: its tables, its service and its routes. It trusts
     * {@code configuredRoot}, the bank's S1 root as its operator was given it ({@code escudo.s1.root});
     * without one, the root the bank it is configured with gives at first use, pinned from then on.
     * It asks the bank's OCSP responder; {@code floorMinor} is its floor limit ({@link Kiosk}).
     */
    public static void join(Party party, long floorMinor, Optional<RelyingParty> configuredRoot) {
        URI bank = party.config().issuerUrl();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();
        party.onClose(http::close);
        Supplier<RelyingParty> trust = configuredRoot.<Supplier<RelyingParty>>map(root -> () -> root)
                .orElseGet(() -> pinnedAtFirstUse(party, () -> fetch(http, HttpRequest.newBuilder(bank.resolve("/issuer/ca/root")).GET().build())));
        Kiosk kiosk = new Kiosk(party.id(), party.id(), party.db(), party.clock(), trust, request -> fetch(http, HttpRequest.newBuilder(
                bank.resolve("/issuer/ca/ocsp")).header("Content-Type", RelyingParty.OCSP_REQUEST).POST(HttpRequest.BodyPublishers.ofByteArray(request)).build()),
                floorMinor);
        party.provide(Kiosk.class, kiosk);
        Desk desk = new Desk(party.secrets().operatorToken(), "the kiosk's screen or its merchant's desk");
        RateLimit limit = party.rateLimit();
        party.routes(r -> {
            Routes.post(r, "/merchant/s1/kiosk/challenges", KioskApi.Pick.class, (body, req) -> desk.only(req,
                    () -> new Created(new KioskApi.Challenge(kiosk.pick(body.item(), body.amount())))));
            Routes.get(r, "/merchant/s1/kiosk/challenges/{id}", req -> new KioskApi.Challenge(kiosk.challenge(req.path("id"))));
            Routes.post(r, "/merchant/s1/kiosk/challenges/{id}/presentation", KioskApi.Presentation.class, (body, req) -> {
                limit.admit(req);
                Kiosk.Dispensed dispensed = kiosk.present(req.path("id"), body.signed().toByteArray());
                return new KioskApi.Dispensed(dispensed.challenge().challengeId(), dispensed.challenge().item(), dispensed.challenge().amount(),
                        dispensed.standing());
            });
            Routes.post(r, "/merchant/s1/kiosk/collections", KioskApi.Send.class, (body, req) -> desk.only(req, () -> collect(party, kiosk)));
        });
    }

    private static KioskApi.Collection collect(Party party, Kiosk kiosk) {
        List<Map.Entry<String, byte[]>> waiting = kiosk.uncollected();
        Money total = null;
        int refused = 0;
        if (!waiting.isEmpty()) {
            List<KioskApi.Outcome> outcomes;
            try (PartyClient bank = new PartyClient(party.config().issuerUrl())) {
                outcomes = bank.post("/issuer/s1/kiosk/collections", new KioskApi.Collect(waiting.stream()
                        .map(e -> Bytes.of(e.getValue())).toList()), KioskApi.Collected.class).outcomes();
            }
            if (outcomes.size() != waiting.size()) {
                throw new EscudoException(PartyClient.BAD_RESPONSE, "the bank answered " + outcomes.size() + " outcomes for " + waiting.size());
            }
            for (int i = 0; i < waiting.size(); i++) {
                KioskApi.Outcome outcome = outcomes.get(i);
                // the bank does not know this merchant (yet): nothing is wrong with the challenge, and it waits for the next collection
                if (!BankException.UNKNOWN_MERCHANT.value().equals(outcome.refusal())) {
                    kiosk.collected(waiting.get(i).getKey(), outcome.refusal());
                }
                if (outcome.paid() != null) {
                    total = total == null ? outcome.paid() : total.plus(outcome.paid());
                } else {
                    refused++;
                }
            }
        }
        return new KioskApi.Collection(waiting.size(), total, refused, party.clock().instant());
    }

    /**
     * The root kept in the kiosk's database, or else the one {@code fetchRoot} brings, kept there
     * first: a bank address that later answers with another root changes nothing.
     */
    private static Supplier<RelyingParty> pinnedAtFirstUse(Party party, Supplier<byte[]> fetchRoot) {
        return new Supplier<>() {
            private volatile RelyingParty root;

            @Override
            public RelyingParty get() {
                if (root == null) {
                    root = RelyingParty.trusting(RelyingParty.certificate(party.db().inTransaction(tx -> tx.queryOne(
                            "SELECT certificate FROM s1_kiosk_root WHERE id = 1", r -> Base64.getDecoder().decode(r.getString(1)))
                            .orElseGet(() -> {
                                byte[] fetched = fetchRoot.get();
                                RelyingParty.trusting(RelyingParty.certificate(fetched)); // only a CA certificate is kept
                                tx.tryInsert("INSERT INTO s1_kiosk_root (id, certificate, fetched_at) VALUES (1, ?, ?)",
                                        Base64.getEncoder().encodeToString(fetched), party.clock().instant());
                                return tx.queryOne("SELECT certificate FROM s1_kiosk_root WHERE id = 1",
                                        r -> Base64.getDecoder().decode(r.getString(1))).orElseThrow();
                            }))));
                }
                return root;
            }
        };
    }

    private static byte[] fetch(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200) {
                throw new EscudoException(PartyClient.UNREACHABLE, "the bank's CA answered HTTP " + answer.statusCode());
            }
            return answer.body();
        } catch (java.io.IOException e) {
            throw new EscudoException(PartyClient.UNREACHABLE, "the bank's CA is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EscudoException(PartyClient.UNREACHABLE, "interrupted while asking the bank's CA", e);
        }
    }

}
