package escudo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void parsesAmountsInMinorUnitsOfTheCurrency() {
        assertEquals(Money.of(1250, "EUR"), Money.parse("12.50 EUR"));
        assertEquals(Money.of(1250, "EUR"), Money.parse("EUR 12.5"));
        assertEquals(Money.of(500, "JPY"), Money.parse("500 JPY"));
        assertEquals("12.50 EUR", Money.of(1250, "EUR").toString());
    }

    @Test
    void refusesFractionsFinerThanTheMinorUnit() {
        EscudoException e = assertThrows(EscudoException.class, () -> Money.parse("0.001 EUR"));
        assertEquals(Money.INVALID, e.code());
    }

    @Test
    void aCurrencyOnTheWireIsThreeUpperCaseLettersOfIso4217AndARefusalDoesNotEchoIt() {
        assertEquals("EUR", Money.currency("EUR").getCurrencyCode());
        for (String code : new String[] {"eur", "EURO", "QQQ", "E\u0000R", "<script>alert(1)</script>", ""}) {
            EscudoException e = assertThrows(EscudoException.class, () -> Money.currency(code), code);
            assertEquals(Money.INVALID, e.code());
            assertFalse(!code.isEmpty() && e.getMessage().contains(code), "the message echoes " + code);
        }
        assertEquals(Money.of(1250, "EUR"), Money.parse("12.50 eur"), "people may type the code in lower case");
    }

    @Test
    void refusesUnknownCurrenciesAndGarbage() {
        assertEquals(Money.INVALID, assertThrows(EscudoException.class, () -> Money.parse("10 XYZQ")).code());
        assertEquals(Money.INVALID, assertThrows(EscudoException.class, () -> Money.parse("ten EUR")).code());
        assertEquals(Money.INVALID, assertThrows(EscudoException.class, () -> Money.parse("10")).code());
    }

    @Test
    void refusesArithmeticAcrossCurrencies() {
        EscudoException e = assertThrows(EscudoException.class, () -> Money.of(1, "EUR").plus(Money.of(1, "USD")));
        assertEquals(Money.CURRENCY_MISMATCH, e.code());
    }
}
