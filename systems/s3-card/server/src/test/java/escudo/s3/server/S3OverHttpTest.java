package escudo.s3.server;


import escudo.core.Bytes;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.BankException;
import escudo.node.http.Desk;
import escudo.s3.card.Card;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.s3.protocol.ProtocolException;
import escudo.s3.server.issuer.IssuerException;
import escudo.s3.api.CardAccount;
import escudo.s3.api.CardApplication;
import escudo.s3.api.IssuedCard;
import escudo.s3.api.AcceptedPayment;
import escudo.s3.api.DepositSummary;
import escudo.bank.client.BankApi;
import escudo.bank.client.RemoteBank;
import escudo.s3.api.MerchantApi;
import escudo.http.PartyClient;
import escudo.s3.protocol.CardKind;
import escudo.s3.protocol.DepositReceipt.Outcome;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.protocol.PaymentCertificate;
import escudo.s3.protocol.PaymentSpec;
import escudo.s3.protocol.WithdrawalAck;
import escudo.s3.protocol.WithdrawalRequest;
import escudo.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 protocols between a bank node and a merchant node over real HTTP, bad paths included. */
class S3OverHttpTest {

    @TempDir
    Path dir;
    private PartyNode bankNode;
    private PartyNode shopNode;
    private PartyClient bank;
    private PartyClient shop;
    private PartyClient till;
    private Card card;

    @BeforeEach
    void start() {
        bankNode = PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", "escudo-bank", "escudo.issuer.port", "0")))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).start();
        shopNode = merchant("coffee", "escudo-bank");
        bank = new PartyClient(bankNode.uri(), bankNode.operatorToken());
        shop = new PartyClient(shopNode.uri());
        till = new PartyClient(shopNode.uri(), shopNode.operatorToken());
        MerchantApi.MerchantInfo info = shop.get("/merchant", MerchantApi.MerchantInfo.class);
        bank.post("/issuer/merchants", new BankApi.OpenMerchant(info.merchantId(), "Coffee", "EUR", info.publicKey()), BankApi.Balance.class);
        bank.post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", Money.parse("100.00 EUR")), BankApi.Balance.class);
        card = Card.manufacture(dir.resolve("alice"));
        IssuedCard issued = bank.post("/issuer/cards", new CardApplication("alice", CardKind.CASH, Money.parse("40.00 EUR"),
                card.userShare(), Bytes.of(card.transportKey())), IssuedCard.class);
        card.personalise("4321", issued.certificate(), issued.sealedBankShare().toByteArray(), issued.bankKey(), issued.initialBalance());
    }

    @AfterEach
    void stop() {
        bank.close();
        shop.close();
        till.close();
        shopNode.close();
        bankNode.close();
    }

    private AcceptedPayment pay(String amount) {
        PaymentSpec presented = till.post("/merchant/checkouts", new MerchantApi.Checkout(Money.parse(amount), "coffee"), PaymentSpec.class);
        PaymentSpec spec = shop.get("/merchant/checkouts/" + presented.reference(), PaymentSpec.class);
        return shop.post("/merchant/payments", new MerchantApi.Payment(card.certificate(), card.pay(spec, "4321")), AcceptedPayment.class);
    }

    @Test
    void cardIssuedOverHttpPaysOfflineAndTheMerchantDepositsItsBatch() {
        assertEquals(Money.parse("60.00 EUR"), bank.get("/issuer/customers/alice", BankApi.Balance.class).balance());
        assertTrue(pay("3.00 EUR").collected());
        assertTrue(pay("4.50 EUR").collected());
        DepositSummary deposit = till.post("/merchant/deposits", new MerchantApi.Command(), DepositSummary.class);
        assertEquals(2, deposit.count(Outcome.CLEARED));
        assertEquals(Money.parse("7.50 EUR"), bank.get("/issuer/merchants/coffee", BankApi.Balance.class).balance());
        CardAccount account = bank.get("/issuer/cards/" + card.certificate().cardNumber(), CardAccount.class);
        assertEquals(Money.parse("32.50 EUR"), account.balance());
        BankApi.LedgerView ledger = bank.get("/issuer/ledger", BankApi.LedgerView.class);
        assertEquals(0L, ledger.totals().get("EUR"));
    }

    @Test
    void aboveTheLimitTheMerchantClearsOnlineOverHttp() {
        card.completeWithdrawal(bank.post("/issuer/withdrawals", card.requestWithdrawal(Money.parse("30.00 EUR"), false, "4321"), WithdrawalAck.class));
        AcceptedPayment online = pay("60.00 EUR"); // the merchant's limit is 50.00 EUR
        assertEquals(Outcome.CLEARED, online.status());
        assertEquals(Money.parse("60.00 EUR"), bank.get("/issuer/merchants/coffee", BankApi.Balance.class).balance());
        assertTrue(pay("5.00 EUR").collected(), "below the limit the payment stays offline");
    }

    @Test
    void topUpOverHttpTheSameRequestAgainIsAnsweredAlikeAndAnotherUnderItsSeqIsAConflictProblem() throws Exception {
        Path copy = dir.resolve("alice-rolled-back");
        try (var files = java.nio.file.Files.walk(dir.resolve("alice"))) {
            for (Path file : files.toList()) {
                java.nio.file.Files.copy(file, copy.resolve(dir.resolve("alice").relativize(file).toString()));
            }
        }
        WithdrawalRequest request = card.requestWithdrawal(Money.parse("10.00 EUR"), false, "4321");
        WithdrawalAck ack = bank.post("/issuer/withdrawals", request, WithdrawalAck.class);
        card.completeWithdrawal(ack);
        assertEquals(50_00, card.status().balance());
        assertEquals(ack, bank.post("/issuer/withdrawals", request, WithdrawalAck.class));
        WithdrawalRequest other = Card.open(copy).requestWithdrawal(Money.parse("12.00 EUR"), false, "4321");
        EscudoException replay = assertThrows(EscudoException.class, () -> bank.post("/issuer/withdrawals", other, WithdrawalAck.class));
        assertEquals(IssuerException.REPLAYED_REQUEST, replay.code());
        assertEquals(EscudoException.Kind.CONFLICT, replay.kind());
        assertEquals(Money.parse("50.00 EUR"), bank.get("/issuer/cards/" + request.cardNumber(), CardAccount.class).balance());
    }

    @Test
    void refusalsTravelAsProblemDocumentsWithTheirStableCode() throws Exception {
        EscudoException unknown = assertThrows(EscudoException.class, () -> bank.get("/issuer/cards/6099000000000000", CardAccount.class));
        assertEquals(BankException.UNKNOWN_CARD, unknown.code());
        assertEquals(EscudoException.Kind.NOT_FOUND, unknown.kind());

        PaymentSpec spec = new PaymentSpec("coffee", Instant.now(), Money.parse("1.00 EUR"), "x", "r-1");
        PaymentCertificate payment = card.pay(spec, "4321");
        DepositRequest forged = DepositRequest.sign("coffee", Instant.now(), "n-1",
                List.of(new DepositRequest.Payment(card.certificate(), payment)), SigningKey.generate());
        EscudoException e = assertThrows(EscudoException.class, () -> bank.post("/issuer/deposits", forged, Object.class));
        assertEquals(ProtocolException.MESSAGE_FORGED, e.code());
        assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
        assertEquals(Money.parse("0.00 EUR"), bank.get("/issuer/merchants/coffee", BankApi.Balance.class).balance());

        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(bankNode.uri() + "/issuer/deposits"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"merchantId\": \"coffee\", ")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, raw.statusCode());
        assertEquals("application/problem+json", raw.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(raw.body().contains("\"code\":\"request.malformed\""), raw.body());
        assertFalse(raw.body().contains("Exception"), raw.body());
    }

    @Test
    void deskOperationsNeedTheOperatorTokenWhileProtocolEndpointsStayOpen() {
        try (PartyClient stranger = new PartyClient(bankNode.uri()); PartyClient guesser = new PartyClient(bankNode.uri(), "0".repeat(64))) {
            for (PartyClient client : List.of(stranger, guesser)) {
                EscudoException e = assertThrows(EscudoException.class, () -> client.post("/issuer/customers",
                        new BankApi.OpenCustomer("mallory", "Mallory", Money.parse("1000000.00 EUR")), BankApi.Balance.class));
                assertEquals(Desk.OPERATOR_ONLY, e.code());
                assertEquals(EscudoException.Kind.UNAUTHENTICATED, e.kind());
                assertEquals(Desk.OPERATOR_ONLY, assertThrows(EscudoException.class,
                        () -> client.get("/issuer/ledger", BankApi.LedgerView.class)).code());
            }
            stranger.get("/issuer/blacklist", escudo.s3.protocol.Blacklist.class); // open: merchants fetch it
        }
        assertEquals(0L, bank.get("/issuer/ledger", BankApi.LedgerView.class).accounts().stream()
                .filter(a -> a.id().contains("mallory")).count());
    }

    @Test
    void aMerchantRefusesToRunAgainstABankWithAnotherIdentity() {
        EscudoException e = assertThrows(EscudoException.class, () -> merchant("m2", "other-bank"));
        assertEquals(RemoteBank.WRONG_BANK, e.code());
    }

    /** A merchant node with a 50.00 EUR online limit that expects the bank {@code bankId}. */
    private PartyNode merchant(String id, String bankId) {
        return PartyNode.of(Role.MERCHANT, NodeConfig.of(Map.of("escudo.merchant.id", id, "escudo.merchant.port", "0",
                        "escudo.merchant.online.limit", "5000", "escudo.issuer.id", bankId, "escudo.issuer.url", bankNode.uri().toString())))
                .database(TestDatabase.create()).secrets(Secrets.ephemeral(SigningKey.generate())).start();
    }
}
