package escudo.bank.client;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.core.EscudoException.Kind;
import escudo.http.PartyClient;
import java.net.URI;
import java.util.Objects;

/**
 * The bank as another party reaches it over HTTP: a client to its base URI and what it said of
 * itself at connection time ({@code GET /issuer}), checked against the bank the party expects.
 */
public final class RemoteBank implements AutoCloseable {

    /** The bank answered with another identity than the configured one. */
    public static final ErrorCode WRONG_BANK = ErrorCode.declare("node.wrong-bank", Kind.INVALID);

    private final PartyClient client;
    private final BankApi.BankInfo info;

    private RemoteBank(PartyClient client, BankApi.BankInfo info) {
        this.client = client;
        this.info = info;
    }

    /** Connects to the bank at {@code uri}; {@code node.wrong-bank} unless it is {@code expectedBankId}. */
    public static RemoteBank connect(URI uri, String expectedBankId) {
        Objects.requireNonNull(expectedBankId, "expectedBankId");
        PartyClient client = new PartyClient(uri);
        try {
            BankApi.BankInfo info = client.get("/issuer", BankApi.BankInfo.class);
            if (!info.bankId().equals(expectedBankId)) {
                throw new EscudoException(WRONG_BANK, uri + " is bank " + info.bankId()
                        + ", not the configured " + expectedBankId);
            }
            return new RemoteBank(client, info);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public PartyClient client() {
        return client;
    }

    /** The bank's identity and the key that signs what it issues. */
    public BankApi.BankInfo info() {
        return info;
    }

    @Override
    public void close() {
        client.close();
    }
}
