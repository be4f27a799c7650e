package escudo.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTest {

    /** What the attack on the node sent: NUL, CRLF, path tricks, bidi overrides, a lone surrogate. */
    private static final List<String> HOSTILE = List.of("a\u0000b", "alice\r\nSet-Cookie: x=1", "../etc", "a/b", "a b",
            "\u202Eevil", "tab\tbed", "\uD800", "end\uDFFF", "line\u2028break", "del\u007F", "c1\u0085", "\uFFFE", "x\uDBFF\uDFFF");

    @Test
    void anIdIsShortAsciiWithoutSeparatorsOrControls() {
        for (String id : List.of("alice", "shop-1", "merchant:shop-1", "a.b_c@d+e", "4000123412341234", "A", "x".repeat(64))) {
            assertTrue(Text.isId(id), id);
            assertEquals(id, Text.requireId("customerId", id));
        }
        for (String id : List.of("", "-alice", ".hidden", "x".repeat(65), "café", "ａｌｉｃｅ")) {
            assertFalse(Text.isId(id), id);
        }
        for (String id : HOSTILE) {
            assertFalse(Text.isId(id), id);
        }
        assertFalse(Text.isId(null));
    }

    @Test
    void aTextMayHoldAnyLanguageButNoControlBidiOrBrokenCharacter() {
        for (String text : List.of("Café Ünïcödé", "2 × café", "日本語の店", "emoji \uD83D\uDE00 ok", "שלום", "a/b c", "")) {
            assertTrue(Text.isPlain(text), text);
        }
        for (String text : HOSTILE.subList(0, HOSTILE.size())) {
            boolean hostile = !text.equals("../etc") && !text.equals("a/b") && !text.equals("a b");
            assertEquals(!hostile, Text.isPlain(text), text);
        }
    }

    @Test
    void aRefusalNamesTheFieldAndTheRuleButNeverTheValue() {
        String value = "<script>alert(1)</script>\r\n";
        EscudoException id = assertThrows(EscudoException.class, () -> Text.requireId("customerId", value));
        EscudoException text = assertThrows(EscudoException.class, () -> Text.requireText("name", value, 100));
        EscudoException tooLong = assertThrows(EscudoException.class, () -> Text.requireText("name", "x".repeat(101), 100));
        for (EscudoException e : List.of(id, text, tooLong)) {
            assertEquals(Text.INVALID, e.code());
            assertFalse(e.getMessage().contains("script"), e.getMessage());
        }
        assertTrue(id.getMessage().startsWith("'customerId' must be"), id.getMessage());
        assertTrue(text.getMessage().startsWith("'name' holds"), text.getMessage());
        assertEquals("a field", Text.describe("evil\r\nkey"), "a field name taken from the input is not shown either");
    }

    @Test
    void aLoggedValueCannotStartALineOrReorderOne() {
        assertEquals("/x\\u000d\\u000aSEVERE: incident 1", Text.forLog("/x\r\nSEVERE: incident 1"));
        assertEquals("\\u202eevil \\u005c", Text.forLog("\u202Eevil \\"));
        assertEquals("emoji \uD83D\uDE00", Text.forLog("emoji \uD83D\uDE00"));
        String logged = Text.forLog("y".repeat(1000));
        assertEquals(Text.MAX_LOGGED + 3, logged.length());
        assertTrue(logged.endsWith("..."));
        assertEquals("null", Text.forLog(null));
    }
}
