package escudo.s1.phone;

import escudo.crypto.SigningKey;
import escudo.node.NodeConfig;
import escudo.node.NodeConfig.Role;
import escudo.node.PartyNode;
import escudo.node.spi.Secrets;
import escudo.node.testing.RestartableParty;
import escudo.s1.api.CaApi;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** The phone tests' bank: a node with its CA on an H2 file, and a phone enrolled there as a user enrols it. */
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
}
