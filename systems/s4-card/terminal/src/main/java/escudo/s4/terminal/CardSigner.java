package escudo.s4.terminal;

import escudo.s4.protocol.KeyType;
import escudo.s4.session.Signer;
import java.security.interfaces.ECPublicKey;

/**
 * A provider's record on the member's card as the session protocol's signer (part 1's crypto
 * service): the record's ECDSA P-256 key signs on the card, under the record's USE condition (the
 * holder's PIN, as the card verified it on this terminal).
 */
public final class CardSigner implements Signer {

    private final MemberTerminal terminal;
    private final String domain;
    private final int recordId;
    private final ECPublicKey publicKey;
    private final byte[] account;

    public CardSigner(MemberTerminal terminal, String domain, int recordId) {
        MemberTerminal.RecordView record = terminal.read(domain, recordId);
        if (record.keyType() != KeyType.SIGNING) {
            throw new IllegalArgumentException("record " + recordId + " of " + domain + " agrees keys; a session is signed by a record that signs");
        }
        this.terminal = terminal;
        this.domain = domain;
        this.recordId = recordId;
        this.publicKey = record.publicKey();
        this.account = record.account();
    }

    @Override
    public ECPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] sha256) {
        return terminal.sign(domain, recordId, sha256);
    }

    /** The account information the record names, which the member's orders pay from (claim 16). */
    public String account() {
        return new String(account, java.nio.charset.StandardCharsets.UTF_8);
    }
}
