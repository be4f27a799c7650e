package escudo.testing;

import java.util.HashMap;
import java.util.Map;

/** Tampering with named fields, as the protocol tests do to a part or a form. */
public final class Edits {

    private Edits() {
    }

    /** A copy of {@code fields} with {@code changes} applied: a null value removes that field. */
    public static Map<String, String> edited(Map<String, String> fields, Map<String, String> changes) {
        Map<String, String> edited = new HashMap<>(fields);
        changes.forEach((name, value) -> {
            if (value == null) {
                edited.remove(name);
            } else {
                edited.put(name, value);
            }
        });
        return edited;
    }
}
