package escudo.s4.terminal;

import escudo.s4.protocol.Access;
import escudo.s4.protocol.CardCommands;
import escudo.s4.protocol.Instrument;
import escudo.s4.protocol.KeyType;
import escudo.s4.protocol.P256;
import escudo.s4.protocol.SecureChannel;
import java.security.interfaces.ECPublicKey;
import javax.smartcardio.CommandAPDU;

/**
 * A session of one domain's owner with the card (seed 004, claims 4-8): the issuer loads and
 * deletes providers' domains and unblocks the PIN; a provider loads and updates its own records and
 * their access conditions. Every command carries the session's chained C-MAC; the card ends the
 * session on the first one that fails, and when it is selected again.
 */
public final class ProviderSession {

    private final MemberTerminal terminal;
    private final String domain;
    private final SecureChannel channel;

    ProviderSession(MemberTerminal terminal, String domain, SecureChannel channel) {
        this.terminal = terminal;
        this.domain = domain;
        this.channel = channel;
    }

    /** The domain this session is of. */
    public String domain() {
        return domain;
    }

    /** The issuer loads a provider's domain with the provider's static key, which travels encrypted under the session. */
    public void createDomain(String provider, byte[] providerKey) {
        send(CardCommands.createDomain(provider, channel.encryptKey(providerKey)));
    }

    public void deleteDomain(String provider) {
        send(CardCommands.deleteDomain(provider));
    }

    /** The issuer gives a blocked (or any) PIN a new value with all its tries. */
    public void resetRetryCounter(String newPin) {
        send(CardCommands.resetRetryCounter(newPin));
    }

    /** A new record in this provider's domain, its key pair made on the card; returns the record's public key. */
    public ECPublicKey createRecord(int recordId, KeyType keyType, Instrument instrument, Access access, String name, byte[] account) {
        return P256.decode(send(CardCommands.createRecord(recordId, keyType, instrument, access, name, account)));
    }

    /** The record's owner changes its access conditions. */
    public void setAccess(int recordId, Access access) {
        send(CardCommands.setAccess(recordId, access));
    }

    /** Updates a record's account information under this session: the provider's own records only. */
    public void updateRecord(String domain, int recordId, byte[] account) {
        send(CardCommands.updateRecord(true, domain, recordId, account));
    }

    /**
     * Reads a record of {@code domain} under this session: a PROVIDER condition is met only so, by
     * a command that carries this session's C-MAC, never by one sent plain while the session is open.
     */
    public MemberTerminal.RecordView read(String domain, int recordId) {
        return MemberTerminal.recordView(send(CardCommands.readRecord(true, domain, recordId)));
    }

    /** Signs with a record of {@code domain} under this session (its USE condition PROVIDER, say). */
    public byte[] sign(String domain, int recordId, byte[] hash) {
        return send(CardCommands.sign(true, domain, recordId, hash));
    }

    public byte[] agree(String domain, int recordId, ECPublicKey peer) {
        return send(CardCommands.agree(true, domain, recordId, P256.encode(peer)));
    }

    /** {@code command} with the session's C-MAC, sent. */
    byte[] send(CommandAPDU command) {
        return terminal.exchange(channel.wrap(command));
    }
}
