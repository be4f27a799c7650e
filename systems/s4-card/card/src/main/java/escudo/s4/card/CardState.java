package escudo.s4.card;

import escudo.crypto.CanonicalReader;
import escudo.crypto.CanonicalWriter;
import escudo.s4.protocol.Access;
import escudo.s4.protocol.Condition;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the software card keeps in its card OS record (docs/s4-card.md, "What the card holds"):
 * the card data, the issuer's domain, the holder's name and every provider's domain with its
 * records. Immutable: a command builds the next state and commits it whole, or changes nothing.
 * The PIN is the card OS's own, beside this record.
 */
record CardState(byte[] serial, String issuerId, byte[] issuerKey, String holder, List<Domain> domains) {

    static final String DOMAIN = "escudo/s4/software-card/v1";

    CardState {
        domains = List.copyOf(domains);
    }

    /** A provider's domain: its id, its static key and its records. */
    record Domain(String id, byte[] key, List<Record> records) {
        Domain {
            records = List.copyOf(records);
        }

        Optional<Record> record(int recordId) {
            return records.stream().filter(r -> r.id() == recordId).findFirst();
        }

        Domain with(Record record) {
            List<Record> next = new ArrayList<>(records);
            next.removeIf(r -> r.id() == record.id());
            next.add(record);
            next.sort(java.util.Comparator.comparingInt(Record::id));
            return new Domain(id, key, next);
        }
    }

    /** One record (claims 10-12); the private key (PKCS#8) never leaves the card. */
    record Record(int id, KeyType keyType, Instrument instrument, Access access, String name, byte[] account, byte[] privateKey, byte[] point) {

        Record withAccount(byte[] account) {
            return new Record(id, keyType, instrument, access, name, account, privateKey, point);
        }

        Record withAccess(Access access) {
            return new Record(id, keyType, instrument, access, name, account, privateKey, point);
        }
    }

    Optional<Domain> domain(String id) {
        return domains.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** With {@code domain} in its place, or added after the others: the domains stay in the order they were created. */
    CardState with(Domain domain) {
        List<Domain> next = new ArrayList<>(domains);
        int at = next.stream().map(Domain::id).toList().indexOf(domain.id());
        if (at >= 0) {
            next.set(at, domain);
        } else {
            next.add(domain);
        }
        return new CardState(serial, issuerId, issuerKey, holder, next);
    }

    CardState without(String domainId) {
        List<Domain> next = new ArrayList<>(domains);
        next.removeIf(d -> d.id().equals(domainId));
        return new CardState(serial, issuerId, issuerKey, holder, next);
    }

    CardState withHolder(String name) {
        return new CardState(serial, issuerId, issuerKey, name, domains);
    }

    byte[] encode() {
        CanonicalWriter w = CanonicalWriter.domain(DOMAIN).bytes(serial).string(issuerId).bytes(issuerKey).string(holder).u32(domains.size());
        for (Domain d : domains) {
            w.string(d.id()).bytes(d.key()).u32(d.records().size());
            for (Record r : d.records()) {
                w.u8(r.id()).u8(r.keyType().code()).u8(r.instrument().code()).u8(r.access().read().code()).u8(r.access().use().code())
                        .u8(r.access().update().code()).string(r.name()).bytes(r.account()).bytes(r.privateKey()).bytes(r.point());
            }
        }
        return w.toByteArray();
    }

    static CardState decode(byte[] encoded) {
        CanonicalReader r = CanonicalReader.expect(encoded, DOMAIN);
        byte[] serial = r.bytes();
        String issuerId = r.string();
        byte[] issuerKey = r.bytes();
        String holder = r.string();
        long domainCount = r.u32();
        List<Domain> domains = new ArrayList<>();
        for (long i = 0; i < domainCount; i++) {
            String id = r.string();
            byte[] key = r.bytes();
            long recordCount = r.u32();
            List<Record> records = new ArrayList<>();
            for (long j = 0; j < recordCount; j++) {
                records.add(new Record(r.u8(), KeyType.of(r.u8()), Instrument.of(r.u8()),
                        new Access(Condition.of(r.u8()), Condition.of(r.u8()), Condition.of(r.u8())), r.string(), r.bytes(), r.bytes(), r.bytes()));
            }
            domains.add(new Domain(id, key, records));
        }
        r.end();
        return new CardState(serial, issuerId, issuerKey, holder, domains);
    }
}
