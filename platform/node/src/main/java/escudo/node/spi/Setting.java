package escudo.node.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One configuration key, declared once as a constant of the module that reads it (the node its
 * host keys, a {@link Feature} its own, listed in {@link Feature#settings()}). The node resolves
 * every declared key when it loads its configuration, so a bad value stops it before it serves;
 * {@code escudo config} prints every declaration as the table of docs/configuration.md.
 *
 * @param key          the key in {@code escudo.properties}, such as {@code escudo.issuer.port}
 * @param defaultValue the value when no source sets the key; null when its owner derives it from
 *                     other keys (then {@code shownDefault} says how)
 * @param shownDefault the default as the table shows it
 * @param description  one line for the table
 * @param parser       turns a value's text into a value, or throws an {@link IllegalArgumentException}
 *                     saying what is wrong (the node adds the key and where the text came from)
 * @param secret       true for a password: its value is never shown
 */
public record Setting<T>(String key, T defaultValue, String shownDefault, String description, Function<String, T> parser,
                         boolean secret) {

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shownDefault, "shownDefault");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parser, "parser");
        if (!key.matches("escudo(\\.[a-z0-9]+)+")) {
            throw new IllegalArgumentException("a setting's key is escudo.<lower-case words>, got '" + key + "'");
        }
    }

    /** A setting of any type, whose default is shown as its text. */
    public static <T> Setting<T> of(String key, T defaultValue, String description, Function<String, T> parser) {
        return new Setting<>(key, Objects.requireNonNull(defaultValue, "defaultValue"), String.valueOf(defaultValue),
                description, parser, false);
    }

    public static Setting<String> text(String key, String defaultValue, String description) {
        return of(key, defaultValue, description, Function.identity());
    }

    /** A password: empty by default, never shown. */
    public static Setting<String> secret(String key, String description) {
        return new Setting<>(key, "", "(empty)", description, Function.identity(), true);
    }

    /** A whole number of at least {@code min} ({@code _} may group digits: {@code 10_000}). */
    public static Setting<Long> number(String key, long defaultValue, long min, String description) {
        return of(key, defaultValue, description, text -> {
            long value;
            try {
                value = Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be an integer, got '" + text + "'");
            }
            if (value < min) {
                throw new IllegalArgumentException("must be at least " + min + ", got " + value);
            }
            return value;
        });
    }

    /** A TCP port, 0 meaning any free one. */
    public static Setting<Integer> port(String key, int defaultValue, String description) {
        return of(key, defaultValue, description, text -> {
            int port;
            try {
                port = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("must be a port number 0-65535, got '" + text + "'");
            }
            return port;
        });
    }

    /** An http(s) URL whose default its owner derives from other keys, as {@code shownDefault} says. */
    public static Setting<URI> url(String key, String shownDefault, String description) {
        return new Setting<>(key, null, shownDefault, description, Setting::httpUrl, false);
    }

    /** One of the constants of the default's enum, written in any case; the description lists them. */
    public static <E extends Enum<E>> Setting<E> oneOf(String key, E defaultValue, String description) {
        E[] constants = defaultValue.getDeclaringClass().getEnumConstants();
        String names = Arrays.stream(constants).map(Setting::lowerCase).collect(Collectors.joining(" or "));
        return new Setting<>(key, defaultValue, lowerCase(defaultValue), description + " One of: " + names + ".",
                text -> Arrays.stream(constants).filter(c -> c.name().equalsIgnoreCase(text)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("is " + names + ", got '" + text + "'")), false);
    }

    public static Setting<Path> path(String key, String defaultValue, String description) {
        return new Setting<>(key, Path.of(defaultValue), defaultValue, description, Path::of, false);
    }

    /** This setting with a default its owner derives from other keys. */
    public Setting<T> derived(String shown) {
        return new Setting<>(key, null, shown, description, parser, secret);
    }

    /** The environment variable that sets it: {@code escudo.issuer.port} is {@code ESCUDO_ISSUER_PORT}. */
    public String environmentVariable() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The value that {@code text} stands for; an {@link IllegalArgumentException} says what is wrong with it. */
    public T parse(String text) {
        return Objects.requireNonNull(parser.apply(text), "parser result");
    }

    private static String lowerCase(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static URI httpUrl(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: '" + text + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http(s) URL such as http://127.0.0.1:7410, got '" + text + "'");
        }
        return uri;
    }
}
