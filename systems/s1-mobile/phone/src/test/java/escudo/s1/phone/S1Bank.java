package escudo.s1.phone;

import escudo.bank.client.BankApi;
import escudo.core.Money;
import escudo.crypto.SigningKey;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.CaApi;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The phone tests' world: a bank node with its CA on an H2 file, its customers Alice (100.00 EUR)
 * and Bob (10.00 EUR), phones enrolled there as a user enrols one, and merchants' nodes with S1's
 * shop and kiosk.
 */
final class S1Bank {

    static final String ID = "bank-1";

    private S1Bank() {
    }

    static RestartableParty start(Path dir, Clock clock) {
        return RestartableParty.start(() -> PartyNode.of(Role.ISSUER, NodeConfig.of(Map.of("escudo.issuer.id", ID, "escudo.issuer.port", "0")))
                .database(RestartableParty.durableDatabase(dir.resolve("bank"))).secrets(Secrets.ephemeral(SigningKey.generate())).clock(clock).start());
    }

    /** The desk's reference for {@code customer} at {@code number}, then the phone's CMP enrolment; the new certificate's serial. */
    static BigInteger enrol(RestartableParty bank, Phone phone, String customer, String number, String pin) {
        CaApi.Reference reference = bank.desk().post("/issuer/ca/enrolments", new CaApi.Enrol(customer, number), CaApi.Reference.class);
        return phone.enrol(CaLink.http(bank.uri()), reference.reference(), reference.secret().toCharArray(), pin).serial();
    }

    /** Opens Alice's account, and Bob's unless {@code aliceOnly}. */
    static void openCustomers(RestartableParty bank, boolean aliceOnly) {
        bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("alice", "Alice Andersson", Money.parse("100.00 EUR")), BankApi.Balance.class);
        if (!aliceOnly) {
            bank.desk().post("/issuer/customers", new BankApi.OpenCustomer("bob", "Bob Berg", Money.parse("10.00 EUR")), BankApi.Balance.class);
        }
    }

    /** A phone of its own in {@code directory}, and the serial of the certificate it enrolled. */
    record Enrolled(Phone phone, BigInteger serial) {
    }

    /** A new phone in {@code directory} with {@code pin}, enrolled for {@code customer} at {@code number}. */
    static Enrolled phone(RestartableParty bank, Path directory, Clock clock, String customer, String number, String pin) {
        Phone phone = Phone.create(directory, pin, clock);
        return new Enrolled(phone, enrol(bank, phone, customer, number, pin));
    }

    /**
     * A merchant's node ({@code id}, with S1's shop and kiosk) on an H2 file under {@code dir}, opened
     * at the bank as {@code name}; it reaches the bank at {@code issuerUrl} and takes {@code settings}.
     */
    static PartyNode merchant(RestartableParty bank, Path dir, Clock clock, String id, String name, URI issuerUrl, Map<String, String> settings) {
        Secrets secrets = Secrets.ephemeral(SigningKey.generate());
        bank.desk().post("/issuer/merchants", new BankApi.OpenMerchant(id, name, "EUR", secrets.signingKey().verifyingKey()), BankApi.Balance.class);
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.putAll(Map.of("escudo.issuer.id", ID, "escudo.issuer.url", issuerUrl.toString(), "escudo.merchant.id", id, "escudo.merchant.port", "0"));
        return PartyNode.of(Role.MERCHANT, NodeConfig.of(all)).database(RestartableParty.durableDatabase(dir.resolve(id))).secrets(secrets)
                .clock(clock).start();
    }
}
