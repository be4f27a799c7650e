package escudo.s2.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void idsAreThePrefixAndBase32AndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        Set<Character> alphabet = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RandomIds.next("ORD-", 16);
            assertTrue(id.matches("ORD-[A-Z2-7]{16}"), id);
            assertTrue(seen.add(id), "repeated " + id);
            id.substring(4).chars().forEach(c -> alphabet.add((char) c));
        }
        assertEquals(32, alphabet.size(), "every base-32 character turns up");
    }
}
