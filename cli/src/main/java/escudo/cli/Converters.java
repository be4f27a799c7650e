package escudo.cli;

import escudo.core.Money;
import escudo.s0.protocol.LayerOrder;
import escudo.s1.protocol.RevocationReason;
import escudo.s2.protocol.OrderMessage.Basket;
import escudo.s2.protocol.OrderMessage.DeliveryState;
import escudo.s3.protocol.CardKind;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How option values become Escudo's types. A value that does not convert is a usage error (exit 2)
 * naming the option; {@link Money#parse}'s own refusal keeps its code, {@code money.invalid}.
 */
final class Converters {

    private Converters() {}

    static CommandLine registerAll(CommandLine cli) {
        return cli.registerConverter(Money.class, Money::parse)
                .registerConverter(Basket.class, Shopping::basket)
                .registerConverter(CardKind.class, new Words<>('-', List.of(CardKind.values())))
                .registerConverter(LayerOrder.class, new Words<>('-', List.of(LayerOrder.values())))
                .registerConverter(RevocationReason.class, new Words<>('-', List.of(RevocationReason.values())))
                .registerConverter(Instrument.class, new Words<>('-', List.of(Instrument.values())))
                .registerConverter(KeyType.class, new Words<>('-', List.of(KeyType.values())))
                .registerConverter(Condition.class, new Words<>('-', List.of(Condition.values())))
                // ACCEPTED is where a delivery starts; a courier only moves it on from there.
                .registerConverter(DeliveryState.class, new Words<>('_',
                        List.of(DeliveryState.PICKED_UP, DeliveryState.DELIVERED, DeliveryState.FAILED)));
    }

    /** A card's, device's or holder's name, which becomes a directory name: it must not reach outside its directory. */
    static final class FileName implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!text.matches("[A-Za-z0-9._-]{1,64}") || text.matches("\\.+")) {
                throw new TypeConversionException("'" + text + "' is not a name of up to 64 letters, digits, '.', '_' or '-'");
            }
            return text;
        }
    }

    /** An enum constant written in lower case ({@code picked_up}, {@code symmetric-inside}), with '-' or '_' alike. */
    record Words<E extends Enum<E>>(char separator, List<E> allowed) implements ITypeConverter<E> {

        @Override
        public E convert(String text) {
            String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E choice : allowed) {
                if (choice.name().equals(name)) {
                    return choice;
                }
            }
            List<String> words = allowed.stream().map(this::word).toList();
            throw new TypeConversionException("'" + text + "' is not " + String.join(", ", words.subList(0, words.size() - 1))
                    + " or " + words.getLast());
        }

        String word(E choice) {
            return choice.name().toLowerCase(Locale.ROOT).replace('_', separator);
        }
    }
}
