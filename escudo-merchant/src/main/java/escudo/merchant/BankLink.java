package escudo.merchant;

import escudo.protocol.Blacklist;
import escudo.protocol.DepositReceipt;
import escudo.protocol.DepositRequest;

/** The merchant's connection to its bank: HTTP in a node, the issuer itself in a unit test. */
public interface BankLink {

    DepositReceipt deposit(DepositRequest request);

    Blacklist blacklist();
}
