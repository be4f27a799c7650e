package escudo.s1.protocol;

/**
 * Where one approval stands, as the PC page shows it while it follows it (as BankID's hint codes
 * say where the user is). The last four are final: exactly one of them ends every approval.
 */
public enum ApprovalStatus {
    /** The service stored it and told the phone; the phone has not fetched it yet. */
    WAITING("waiting for the phone"),
    /** The phone fetched it and shows it; the user has not answered yet. */
    DELIVERED("the phone has it"),
    /** Signed, verified and carried out, once. */
    DONE("signed and done"),
    DECLINED("declined on the phone"),
    CANCELLED("cancelled on the PC"),
    EXPIRED("expired");

    private final String hint;

    ApprovalStatus(String hint) {
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }

    public boolean isFinal() {
        return this != WAITING && this != DELIVERED;
    }
}
