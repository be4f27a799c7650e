package escudo.s0.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.bank.client.BankApi;
import escudo.core.EscudoException;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.http.PartyClient;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.Fault;
import escudo.node.testing.FaultProxy;
import escudo.node.testing.Resources;
import escudo.node.testing.RestartableParty;
import escudo.s0.api.DeviceView;
import escudo.s0.api.TradeApi;
import escudo.s0.device.HttpIssuerLink;
import escudo.s0.device.Wallet;
import escudo.s0.device.WalletStatus;
import escudo.s0.protocol.LayerOrder;
import escudo.s0.protocol.TradeException;
import escudo.s0.protocol.TradeRequest;
import escudo.s0.protocol.TradeResponse;
import escudo.s0.protocol.TradeResponse.AccountBalance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: S0 trades between a wallet and the bank's trade centre over real HTTP, through a
 * {@link FaultProxy} that breaks them on a fixed schedule, with the bank restarted on its H2 file
 * and the wallet's process restarted. The protocol's counters refuse every message seen before, so
 * a device that got no answer sends the same trade again in a new message (a new counter): the
 * trade's own id makes the bank do it once and answer it again. After every round the books
 * balance, each order is paid once, and the device's counters and balances are the bank's.
 */
class S0FaultsTest {

    private static final String BANK = "escudo-bank";
    private static final String SERIAL = "serial-of-this-phone";
    private static final Money START = Money.parse("100.00 EUR");

    @TempDir
    Path dir;
    private final Secrets bankSecrets = Secrets.ephemeral(SigningKey.generate());
    private RestartableParty bank;
    private FaultProxy toBank;
    private PartyClient phoneNetwork;
    private Wallet wallet;
    private int walletRestarts;
    private Money ordered = Money.parse("0.00 EUR");
    private Money saved = Money.parse("0.00 EUR");

    @BeforeEach
    void start() {
        bank = RestartableParty.start(() -> PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", BANK, "escudo.issuer.port", "0")))
                .database(RestartableParty.durableDatabase(dir.resolve("bank"))).secrets(bankSecrets).start());
        toBank = FaultProxy.to(bank::uri);
        desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice", START), BankApi.Balance.class);
        desk().post("/issuer/merchants", new BankApi.OpenMerchant("books", "Books", "EUR", SigningKey.generate().verifyingKey()),
                BankApi.Balance.class);
        TradeApi.EnrolmentCode code = desk().post("/issuer/devices/enrolments", new TradeApi.Enrol("alice"), TradeApi.EnrolmentCode.class);
        phoneNetwork = new PartyClient(toBank.uri());
        wallet = Wallet.create(dir.resolve("phone"), SERIAL);
        wallet.register(link(), "alice", code.code(), LayerOrder.SYMMETRIC_INSIDE, "phone");
    }

    @AfterEach
    void stop() {
        Resources.closeAll(phoneNetwork, toBank, bank);
    }

    /** A trade, the fault its first message meets, and what happens before the device tries again. */
    private record Round(String what, TradeRequest trade, Fault fault, Runnable beforeTheRetry) {
    }

    @Test
    void aTradeWithoutAnAnswerIsSentAgainAndDoneOnce() {
        List<Round> schedule = List.of(
                new Round("answer lost, the device's process restarts", order("o-1", "9.90"), Fault.loseResponse(), this::restartWallet),
                new Round("delivered twice: the second delivery is a replay", order("o-2", "4.50"), Fault.duplicate(), () -> { }),
                new Round("reset after the bank answered, the bank restarts", transfer("t-1", "20.00"),
                        Fault.resetAfterAnswer().then(bank::restart), () -> { }),
                new Round("request lost", order("o-3", "3.00"), Fault.loseRequest(), () -> { }),
                new Round("connection reset before the bank saw it", transfer("t-2", "5.00"), Fault.reset(), () -> { }),
                new Round("answer lost, the bank restarts", order("o-4", "1.25"), Fault.loseResponse().then(bank::restart), this::restartWallet),
                new Round("a slow network", order("o-5", "2.00"), Fault.delay(Duration.ofMillis(300)), () -> { }));
        for (Round round : schedule) {
            toBank.plan("POST /issuer/devices/", round.fault());
            TradeResponse answer;
            if (round.fault().answers() && round.fault().kind() != Fault.Kind.DUPLICATE) {
                answer = wallet.send(link(), round.trade());
            } else {
                EscudoException noAnswer = assertThrows(EscudoException.class, () -> wallet.send(link(), round.trade()), round.what());
                assertEquals(round.fault().kind() == Fault.Kind.DUPLICATE ? TradeException.REPLAYED : PartyClient.UNREACHABLE,
                        noAnswer.code(), round.what());
                round.beforeTheRetry().run();
                answer = wallet.send(link(), round.trade()); // the same trade, in a new message
            }
            switch (round.trade()) {
                case TradeRequest.PurchaseOrder o -> {
                    ordered = ordered.plus(o.amount());
                    assertEquals(new TradeResponse.OrderPaid(o.orderId(), "books", o.amount(), START.minus(ordered).minus(saved)), answer,
                            round.what());
                }
                case TradeRequest.OwnTransfer t -> {
                    saved = saved.plus(t.amount());
                    assertEquals(new TradeResponse.TransferDone(t.transferId(), balances()), answer, round.what());
                }
                case TradeRequest.BalanceInquiry b -> throw new AssertionError("no inquiry in the schedule");
            }
            assertEquals(0, toBank.unplayed());
            assertDoneOnceAndAgreed(round.what());
        }
        System.out.printf("S0 trades: %d rounds, %d requests to the bank, %d faults injected, %d bank restarts, %d wallet restarts%n",
                schedule.size(), toBank.exchanges().size(), toBank.faultsInjected(), bank.restarts(), walletRestarts);
    }

    private static TradeRequest order(String id, String amount) {
        return new TradeRequest.PurchaseOrder(id, "books", Money.parse(amount + " EUR"), "a book");
    }

    private static TradeRequest transfer(String id, String amount) {
        return new TradeRequest.OwnTransfer(id, "current", "savings", Money.parse(amount + " EUR"));
    }

    private List<AccountBalance> balances() {
        return List.of(new AccountBalance("current", START.minus(ordered).minus(saved)), new AccountBalance("savings", saved));
    }

    /**
     * The books balance, the merchant has each order once and the savings each transfer once; the
     * device asks its balances and sees the bank's, and the bank's counters are the device's.
     */
    private void assertDoneOnceAndAgreed(String round) {
        assertTrue(desk().get("/issuer/ledger", BankApi.LedgerView.class).totals().values().stream().allMatch(t -> t == 0),
                round + ": the ledger sums to zero");
        assertEquals(ordered, desk().get("/issuer/merchants/books", BankApi.Balance.class).balance(), round + ": each order paid once");
        assertEquals(START.minus(ordered).minus(saved), desk().get("/issuer/customers/alice", BankApi.Balance.class).balance(), round);
        TradeResponse.Balances seen = assertInstanceOf(TradeResponse.Balances.class, wallet.send(link(), new TradeRequest.BalanceInquiry()));
        assertEquals(balances(), seen.accounts(), round + ": the device sees the bank's balances");
        WalletStatus device = wallet.status();
        DeviceView atTheBank = desk().get("/issuer/devices/" + device.deviceId(), DeviceView.class);
        assertEquals(device.nextOutgoing() - 1, atTheBank.lastCounterFromDevice(), round + ": the bank saw the device's last counter");
        assertEquals(device.lastIncoming(), atTheBank.lastCounterToDevice(), round + ": the device took the bank's last answer");
    }

    private HttpIssuerLink link() {
        return new HttpIssuerLink(phoneNetwork);
    }

    private void restartWallet() {
        wallet = Wallet.open(dir.resolve("phone"), SERIAL);
        walletRestarts++;
    }

    private PartyClient desk() {
        return bank.desk();
    }
}
