package escudo.s3.server.simulation;

import escudo.s3.card.Card;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Cards that read the simulation's clock. A card checks its CARD-CERT's validity and dates its
 * withdrawal requests by its own clock, which the card module keeps package-private (a real card
 * keeps real time); a simulation that moves time by hand must move the cards' time with it, or
 * every top-up after the first advance would be {@code issuer.stale-request}. The tests run on the
 * class path, so the two package-private factories are reached by reflection, here and only here.
 */
final class CardsOnClock {

    private static final Method MANUFACTURE = factory("manufacture");
    private static final Method OPEN = factory("open");

    private CardsOnClock() {
    }

    /** A blank card in {@code directory}, as {@link Card#manufacture(Path)} makes one, on {@code clock}. */
    static Card manufacture(Path directory, Clock clock) {
        return call(MANUFACTURE, directory, clock);
    }

    /** The card in {@code directory}, as {@link Card#open(Path)} opens it, on {@code clock}. */
    static Card open(Path directory, Clock clock) {
        return call(OPEN, directory, clock);
    }

    private static Method factory(String name) {
        try {
            Method method = Card.class.getDeclaredMethod(name, Path.class, Clock.class);
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Card." + name + "(Path, Clock) is gone: give the simulation another way to set a card's clock", e);
        }
    }

    private static Card call(Method factory, Path directory, Clock clock) {
        try {
            return (Card) factory.invoke(null, directory, clock);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
