package escudo.s4.session;

/**
 * What the provider keeps of one member of a session between its messages; its host stores it (the
 * secret sealed at rest) and hands it back by transaction id.
 *
 * @param members    how many members the session has: a combined transaction or acknowledgement needs them all
 * @param secret     the session secret the provider chose (shared by all members with a shared key)
 * @param salt       the salt the session keys are derived under ({@link SessionKeys})
 * @param transcript the member's transcript after the provider's last reply
 * @param next       the phase the provider expects next: TRANSACTION, ACKNOWLEDGEMENT, or null once ended
 * @param requestHash the hash of the member's key exchange request, unique: the host refuses it twice
 * @param note       what the member told the provider alone in its first cryptogram (claim 32), or empty
 */
public record MemberState(String sessionId, String transactionId, int members, String customerId, byte[] identity, byte[] secret,
                          byte[] salt, byte[] providerChallenge, byte[] transcript, Phase next, byte[] requestHash, String note) {

    public MemberState {
        identity = identity.clone();
        secret = secret.clone();
        salt = salt.clone();
        providerChallenge = providerChallenge.clone();
        transcript = transcript.clone();
        requestHash = requestHash.clone();
    }

    @Override
    public byte[] identity() {
        return identity.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] providerChallenge() {
        return providerChallenge.clone();
    }

    @Override
    public byte[] transcript() {
        return transcript.clone();
    }

    @Override
    public byte[] requestHash() {
        return requestHash.clone();
    }

    MemberState after(byte[] newTranscript, Phase newNext) {
        return new MemberState(sessionId, transactionId, members, customerId, identity, secret, salt, providerChallenge, newTranscript,
                newNext, requestHash, note);
    }

    @Override
    public String toString() {
        return "MemberState[" + transactionId + " of " + sessionId + ", next " + next + "]";
    }
}
