package escudo.cardos;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names an application on a card, such as {@code escudo.s3}; the card OS keeps one record under
 * each. Ids are ASCII, so their order ({@link String#compareTo}) is the order of their bytes, the
 * order in which the records are encoded.
 *
 * @param value 1 to 64 characters: lower-case letters, digits, {@code .} and {@code -}
 */
public record ApplicationId(String value) implements Comparable<ApplicationId> {

    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    public ApplicationId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("an application id is 1 to 64 of a-z, 0-9, '.' and '-', not '" + value + "'");
        }
    }

    @Override
    public int compareTo(ApplicationId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
