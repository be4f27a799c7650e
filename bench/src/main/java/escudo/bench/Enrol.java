package escudo.bench;

import escudo.http.PartyClient;
import escudo.node.PartyNode;
import escudo.s1.api.CaApi;
import escudo.s1.phone.CaLink;
import escudo.s1.phone.Phone;
import java.math.BigInteger;

/** A phone enrolled at a bank node the way a user does it: the desk's reference, then CMP. */
final class Enrol {

    private Enrol() {
    }

    static BigInteger phone(PartyNode bank, Phone phone, String customer, String number, String pin) {
        try (PartyClient desk = new PartyClient(bank.uri(), bank.operatorToken())) {
            CaApi.Reference reference = desk.post("/issuer/ca/enrolments", new CaApi.Enrol(customer, number), CaApi.Reference.class);
            return phone.enrol(CaLink.http(bank.uri()), reference.reference(), reference.secret().toCharArray(), pin).serial();
        }
    }
}
