package escudo.s4.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.s4.card.SoftwareCard;
import escudo.s4.protocol.CardRefusal;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full session as a card engineer reads it; the trace lands in target/apdu-trace.txt (docs/s4-card.md shows one). */
class CardTraceTest {

    @TempDir
    Path dir;

    @Test
    void aFullSessionTracesEveryCommandAndResponseWithThePinsMasked() throws Exception {
        List<String> lines = new ArrayList<>();
        try (MemberTerminal terminal = new MemberTerminal(new CardTrace(SoftwareCard.issue(dir.resolve("card"), CardContract.ISSUER,
                CardContract.ISSUER_KEY, "Alice Andersson", "2468"), lines::add))) {
            terminal.select();
            assertThrows(CardRefusal.class, () -> terminal.verifyPin("1357"));
            terminal.verifyPin("2468");
            ProviderSession issuer = terminal.authenticate(CardContract.ISSUER, CardContract.ISSUER_KEY);
            issuer.createDomain("bank", CardContract.BANK_KEY);
            issuer.createDomain("transit", CardContract.TRANSIT_KEY);
            terminal.authenticate("bank", CardContract.BANK_KEY).createRecord(1, KeyType.SIGNING, Instrument.DEBIT, CardContract.DEBIT_ACCESS,
                    "current account", "IBAN ES12 3456".getBytes(StandardCharsets.UTF_8));
            terminal.authenticate("transit", CardContract.TRANSIT_KEY).createRecord(1, KeyType.AGREEMENT, Instrument.TICKET,
                    CardContract.TICKET_ACCESS, "zone 1-2 pass", "10 rides".getBytes(StandardCharsets.UTF_8));
            terminal.select();
            terminal.domains();
            terminal.records("bank");
            terminal.read("bank", 1);
            terminal.verifyPin("2468");
            terminal.sign("bank", 1, new byte[32]);
        }
        String trace = String.join("\n", lines);
        Files.writeString(Path.of("target", "apdu-trace.txt"), trace + "\n");
        assertEquals(3 * 19, lines.size(), "three lines for each of the nineteen commands");
        assertTrue(trace.contains("> INITIALIZE UPDATE") && trace.contains("> EXTERNAL AUTHENTICATE") && trace.contains("> CREATE RECORD"), trace);
        assertTrue(trace.contains("63 C2  s4.wrong-pin (2 left)"), trace);
        assertFalse(trace.contains("32 34 36 38") || trace.contains("31 33 35 37"), "no PIN's digits in a trace");
    }
}
