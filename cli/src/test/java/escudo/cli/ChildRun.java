package escudo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import escudo.core.ErrorCode;
import escudo.testing.ChildJvm;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One command that ran to its end in its own JVM: its exit code and what it printed (stdout and stderr together). */
record ChildRun(int exit, String output) {

    static ChildRun of(ChildJvm child, Duration timeout) {
        return new ChildRun(child.awaitExit(timeout), child.output());
    }

    ChildRun expect(int code, String why) {
        assertEquals(code, exit, why + ":\n" + output);
        return this;
    }

    /** Refused with {@code code}: exit 2 and the stable code on the refusal's line. */
    ChildRun refused(ErrorCode code, String why) {
        expect(2, why);
        assertTrue(output.contains("refused [" + code.value() + "]"), why + ": expected " + code + " in:\n" + output);
        return this;
    }

    Matcher find(String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        assertTrue(matcher.find(), "expected /" + regex + "/ in:\n" + output);
        return matcher;
    }
}
