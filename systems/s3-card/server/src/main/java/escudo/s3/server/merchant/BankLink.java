package escudo.s3.server.merchant;

import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;

/** The merchant's connection to its bank: HTTP in a node, the issuer itself in a unit test. */
public interface BankLink {

    DepositReceipt deposit(DepositRequest request);

    Blacklist blacklist();
}
