package escudo.bank.client;

import static escudo.testing.WireTypes.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.crypto.VerifyingKey;
import escudo.http.Json;
import escudo.testing.WireTypes;
import java.time.Instant;
import java.util.Currency;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target (docs/fuzzing.md): the JSON mapping of the bank's own wire bodies. For any body the
 * record is read or refused with a typed exception, and it writes and reads back as itself.
 */
class BankJsonFuzzTest {

    private static final VerifyingKey KEY = SigningKey.fromSeed(HexFormat.of().parseHex("01".repeat(32))).verifyingKey();
    private static final Instant OPENED = Instant.parse("2030-01-15T10:00:00Z");

    private static final WireTypes WIRES = new WireTypes(Json::read, Json::write, List.of(
            wire(BankApi.OpenCustomer.class, new BankApi.OpenCustomer("customer-1", "Ana Lima", Money.of(10_000, "EUR"))),
            wire(BankApi.OpenMerchant.class, new BankApi.OpenMerchant("merchant-42", "Café Central", "EUR", KEY)),
            wire(BankApi.BankInfo.class, new BankApi.BankInfo("escudo-bank", KEY)),
            wire(BankApi.Balance.class, new BankApi.Balance("customer-1", Money.of(-250, "EUR"))),
            wire(BankApi.LedgerView.class, new BankApi.LedgerView(List.of(
                    new BankApi.AccountView("acc-1", "customer-1", Currency.getInstance("EUR"), 50_000, Money.of(-250, "EUR"), OPENED),
                    new BankApi.AccountView("acc-2", "bank", Currency.getInstance("JPY"), 0, Money.of(250, "JPY"), OPENED)),
                    Map.of("EUR", 0L, "JPY", 0L)))));

    static Stream<byte[]> bodies() {
        return WIRES.seeds();
    }

    @MethodSource("bodies")
    @FuzzTest(maxDuration = "5s")
    void readsOrRefusesEveryBodyAndReadsBackWhatItWrites(byte[] input) {
        WIRES.readOrRefuse(input);
    }
}
