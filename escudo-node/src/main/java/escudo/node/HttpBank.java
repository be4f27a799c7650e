package escudo.node;

import escudo.merchant.BankLink;
import escudo.node.http.PartyClient;
import escudo.protocol.Blacklist;
import escudo.protocol.DepositReceipt;
import escudo.protocol.DepositRequest;

/** The merchant's link to its bank over HTTP. */
final class HttpBank implements BankLink {

    private final PartyClient client;

    HttpBank(PartyClient client) {
        this.client = client;
    }

    @Override
    public DepositReceipt deposit(DepositRequest request) {
        return client.post("/issuer/deposits", request, DepositReceipt.class);
    }

    @Override
    public Blacklist blacklist() {
        return client.get("/issuer/blacklist", Blacklist.class);
    }
}
