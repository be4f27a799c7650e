package escudo.s3.server;

import escudo.bank.client.RemoteBank;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;
import escudo.s3.server.merchant.BankLink;

/** The merchant's link to its bank over HTTP. */
record HttpBankLink(RemoteBank bank) implements BankLink {

    @Override
    public DepositReceipt deposit(DepositRequest request) {
        return bank.client().post("/issuer/deposits", request, DepositReceipt.class);
    }

    @Override
    public Blacklist blacklist() {
        return bank.client().get("/issuer/blacklist", Blacklist.class);
    }
}
