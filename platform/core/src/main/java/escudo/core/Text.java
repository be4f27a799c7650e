package escudo.core;

import escudo.core.EscudoException.Kind;
import java.util.regex.Pattern;

/**
 * What an identifier and a free text may contain, decided here once for every party and every
 * edge (JSON fields, path and query parameters, the bank's own ids), so that no value that could
 * split a header, forge a log line, hide text behind a bidirectional override or reach a database
 * as NUL gets past the first door.
 *
 * <ul>
 *   <li>An <b>id</b> (a customer, merchant, shop item, parcel) is 1 to {@value #MAX_ID_LENGTH}
 *       characters of ASCII letters, digits and {@code . _ : @ + -}, starting with a letter or digit:
 *       no space, no path separator, nothing a header, a URL path or a log needs to escape.</li>
 *   <li>A <b>text</b> (a name, a label, a memo, any other string field) is any Unicode but control
 *       characters (C0, DEL, C1), the line and paragraph separators, bidirectional formatting
 *       characters, unpaired surrogates and noncharacters.</li>
 * </ul>
 * A refusal names the field and the rule, never the value: what was refused is not echoed back.
 */
public final class Text {

    /** A field that breaks the rule for its kind of value. */
    public static final ErrorCode INVALID = ErrorCode.declare("request.invalid-text", Kind.INVALID);

    public static final int MAX_ID_LENGTH = 64;

    /** How much of a value {@link #forLog} keeps. */
    static final int MAX_LOGGED = 120;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0," + (MAX_ID_LENGTH - 1) + "}");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    private Text() {
    }

    /** Whether {@code value} is a well-formed id; see the class comment. */
    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** {@code value} if it is an id, else {@link #INVALID} naming {@code field}. */
    public static String requireId(String field, String value) {
        if (!isId(value)) {
            throw new EscudoException(INVALID, describe(field) + " must be 1 to " + MAX_ID_LENGTH
                    + " ASCII letters, digits or . _ : @ + -, starting with a letter or digit");
        }
        return value;
    }

    /** Whether every character of {@code value} may stand in a text; see the class comment. */
    public static boolean isPlain(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                if ((codePoint & 0xFFFE) == 0xFFFE) {
                    return false; // U+1FFFE, U+1FFFF, ...: noncharacters
                }
            } else if (!allowed(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code value} if it is a non-blank text of at most {@code maxLength} characters, else {@link #INVALID}. */
    public static String requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw new EscudoException(INVALID, describe(field) + " must be 1 to " + maxLength + " characters");
        }
        return requirePlain(field, value);
    }

    /** {@code value} (possibly empty) if {@link #isPlain}, else {@link #INVALID}. */
    public static String requirePlain(String field, String value) {
        if (value != null && !isPlain(value)) {
            throw new EscudoException(INVALID, describe(field) + " holds a control, bidirectional or unpaired surrogate character");
        }
        return value;
    }

    /**
     * {@code value} as it may stand in a log line: at most {@value #MAX_LOGGED} characters, with
     * every character a text may not hold (and the backslash) written as {@code \}{@code uXXXX}, so a
     * logged request path can neither start a line of its own nor reorder the line it is on.
     */
    public static String forLog(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < value.length() && out.length() < MAX_LOGGED; i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else if (c == '\\' || !allowed(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < value.length() ? out.append("...").toString() : out.toString();
    }

    /**
     * A field name as a refusal may show it: a name of the schema, or "a field" when the name
     * itself came from the input (a map key) and does not look like one.
     */
    public static String describe(String field) {
        return field != null && FIELD_NAME.matcher(field).matches() ? "'" + field + "'" : "a field";
    }

    private static boolean allowed(char c) {
        return !(c < 0x20 || (c >= 0x7F && c <= 0x9F)      // C0, DEL, C1 controls (NUL, CR, LF, ESC, ...)
                || c == '\u2028' || c == '\u2029'           // line and paragraph separators
                || c == '\u061C' || c == '\u200E' || c == '\u200F' // bidi marks: ALM, LRM, RLM
                || (c >= '\u202A' && c <= '\u202E')          // bidi embeddings and overrides
                || (c >= '\u2066' && c <= '\u2069')          // bidi isolates
                || Character.isSurrogate(c)                  // unpaired (pairs are handled by the caller)
                || (c >= '\uFDD0' && c <= '\uFDEF') || c == '\uFFFE' || c == '\uFFFF'); // noncharacters
    }
}
