package escudo.cardos;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the card OS keeps, immutable: the holder's PIN and one opaque record per
 * application. A change builds the next image, which is persisted before it becomes current.
 *
 * <p>Plaintext encoding, domain {@value #DOMAIN}, fields in this order:
 * <pre>
 *   u8     PIN chosen (0 or 1)
 *   if 1:  bytes  PIN salt (16)
 *          bytes  PIN hash (32), SHA-256("escudo/card-pin/v1" ‖ salt ‖ PIN as ASCII)
 *          u8     PIN tries left (0 = locked, at most 3)
 *   u32    number of applications
 *   each, in ascending order of id:
 *          string application id
 *          bytes  the application's record, encoded by the application
 * </pre>
 * Nothing follows the last field.
 *
 * @param pin     null until the holder chooses one
 * @param records never null; read through {@link #record}, changed through {@link #withRecord}
 */
record CardImage(HolderPin pin, SortedMap<ApplicationId, byte[]> records) {

    static final String DOMAIN = "escudo/card-os/v1";

    CardImage {
        records = Collections.unmodifiableSortedMap(new TreeMap<>(records));
    }

    static CardImage of(ApplicationId application, byte[] record) {
        return new CardImage(null, new TreeMap<>(Map.of(application, record.clone())));
    }

    /** A copy, so that no caller can change the image in place. */
    Optional<byte[]> record(ApplicationId application) {
        return Optional.ofNullable(records.get(application)).map(byte[]::clone);
    }

    CardImage withRecord(ApplicationId application, byte[] record) {
        TreeMap<ApplicationId, byte[]> next = new TreeMap<>(records);
        next.put(application, record.clone());
        return new CardImage(pin, next);
    }

    CardImage withPin(HolderPin next) {
        return new CardImage(next, records);
    }

    HolderStatus holder() {
        return pin == null ? new HolderStatus(false, 0) : new HolderStatus(true, pin.triesLeft());
    }

    byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN);
        if (pin == null) {
            w.u8(0);
        } else {
            w.u8(1).bytes(pin.salt()).bytes(pin.hash()).u8(pin.triesLeft());
        }
        w.u32(records.size());
        records.forEach((application, record) -> w.string(application.value()).bytes(record));
        return w.toByteArray();
    }

    /** Parses what {@link #encode()} wrote; any deviation is an exception (the caller reports it as corrupt). */
    static CardImage decode(byte[] plaintext) {
        CanonicalReader r = CanonicalReader.expect(plaintext, DOMAIN);
        int pinChosen = r.u8();
        HolderPin pin = switch (pinChosen) {
            case 0 -> null;
            case 1 -> new HolderPin(r.bytes(), r.bytes(), r.u8());
            default -> throw new IllegalArgumentException("PIN flag out of range");
        };
        long count = r.u32();
        TreeMap<ApplicationId, byte[]> records = new TreeMap<>();
        ApplicationId previous = null;
        for (long i = 0; i < count; i++) {
            ApplicationId application = new ApplicationId(r.string());
            if (previous != null && previous.compareTo(application) >= 0) {
                throw new IllegalArgumentException("application records out of order");
            }
            records.put(application, r.bytes());
            previous = application;
        }
        r.end();
        return new CardImage(pin, records);
    }

    /** Never shows the PIN or a record. */
    @Override
    public String toString() {
        return "CardImage(" + holder() + ", applications " + records.keySet() + ")";
    }
}
