package escudo.node;

import escudo.s2.client.OrderKeys;
import escudo.core.EscudoException;
import escudo.crypto.SigningKey;
import escudo.s3.server.merchant.BankLink;
import escudo.bank.client.BankApi;
import escudo.s2.client.RemoteDirectory;
import escudo.s2.protocol.DirectoryKeys;
import escudo.s2.protocol.PairwiseKeys;
import escudo.http.PartyClient;
import escudo.s3.protocol.Blacklist;
import escudo.s3.protocol.DepositReceipt;
import escudo.s3.protocol.DepositRequest;

/** The merchant's link to its bank over HTTP. */
final class HttpBank implements BankLink {

    private static final System.Logger LOG = System.getLogger(HttpBank.class.getName());

    private final PartyClient client;

    HttpBank(PartyClient client) {
        this.client = client;
    }

    /** The bank at {@code client}, refused with {@code node.wrong-bank} unless it is {@code expectedBankId}. */
    static BankApi.BankInfo expect(PartyClient client, String expectedBankId) {
        BankApi.BankInfo info = client.get("/issuer", BankApi.BankInfo.class);
        if (!info.bankId().equals(expectedBankId)) {
            throw new EscudoException(EscudoException.Kind.INVALID, "node.wrong-bank", client.baseUri() + " is bank "
                    + info.bankId() + ", not the configured " + expectedBankId);
        }
        return info;
    }

    /**
     * The pairwise keys of a party whose key directory is the bank's; in directory mode with the
     * bank desk's token, publishes the party's keys there (again harmlessly on every start).
     */
    static PairwiseKeys joinDirectory(String id, OrderKeys orderKeys, PartyClient client, String bankDeskToken,
                                      SigningKey signingKey) {
        PairwiseKeys me = orderKeys.keysFor(id, RemoteDirectory.over(client));
        if (me instanceof DirectoryKeys own && bankDeskToken != null) {
            try (PartyClient desk = new PartyClient(client.baseUri(), bankDeskToken)) {
                RemoteDirectory.register(desk, id, own.publicKey(), signingKey);
            } catch (EscudoException e) {
                if (!"node.operator-only".equals(e.code())) {
                    throw e;
                }
                // a node of another operator than the bank's: it runs, and the bank's desk registers it
                LOG.log(System.Logger.Level.WARNING, id + " could not publish its S2 keys: the bank refused this node's operator"
                        + " token. Until the bank's desk registers " + id + ", parties answer it order.unknown-party;"
                        + " set ESCUDO_OPERATOR_TOKEN to the bank's token to register at start.");
            }
        }
        return me;
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
