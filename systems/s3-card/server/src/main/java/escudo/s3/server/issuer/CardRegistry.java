package escudo.s3.server.issuer;

import escudo.core.Bytes;
import escudo.bank.BankException;
import escudo.s3.protocol.CardCertificate;
import escudo.s3.protocol.CardKind;
import escudo.storage.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The bank's card table (seed 003, Fig. 5); every method runs inside the caller's transaction. */
final class CardRegistry {

    /** One row of issuer_card. */
    record Row(String cardNumber, String customerId, CardKind kind, CardCertificate certificate,
            String accountId, long lastSequence, Instant blacklistedAt, String blacklistReason) {

        boolean blacklisted() {
            return blacklistedAt != null;
        }
    }

    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** Inserts a new card; false when the card number is taken (the caller draws another). */
    boolean insert(Tx tx, CardCertificate cert, String customerId, String accountId, Instant now) {
        return tx.tryInsert("INSERT INTO issuer_card (card_number, customer_id, kind, currency, card_cert, cert_signature,"
                        + " joint_key, account_id, last_sequence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                cert.cardNumber(), customerId, cert.kind().name(), cert.currency(),
                B64.encodeToString(cert.signedBytes()), cert.signature().base64(),
                cert.jointKey().hex(), accountId, now);
    }

    Optional<Row> find(Tx tx, String cardNumber) {
        return tx.queryOne("SELECT * FROM issuer_card WHERE card_number = ?", CardRegistry::row, cardNumber);
    }

    /** Reads and locks the card row, so concurrent withdrawals of one card go one at a time. */
    Row lock(Tx tx, String cardNumber) {
        return tx.queryOne("SELECT * FROM issuer_card WHERE card_number = ? FOR UPDATE", CardRegistry::row, cardNumber)
                .orElseThrow(() -> unknown(cardNumber));
    }

    Row require(Tx tx, String cardNumber) {
        return find(tx, cardNumber).orElseThrow(() -> unknown(cardNumber));
    }

    void blacklist(Tx tx, String cardNumber, String reason, Instant now) {
        tx.update("UPDATE issuer_card SET blacklisted_at = ?, blacklist_reason = ? WHERE card_number = ? AND blacklisted_at IS NULL",
                now, reason, cardNumber);
    }

    void recordSequence(Tx tx, String cardNumber, long sequence) {
        tx.update("UPDATE issuer_card SET last_sequence = ? WHERE card_number = ?", sequence, cardNumber);
    }

    void replaceCertificate(Tx tx, CardCertificate renewed) {
        tx.update("UPDATE issuer_card SET card_cert = ?, cert_signature = ? WHERE card_number = ?",
                B64.encodeToString(renewed.signedBytes()), renewed.signature().base64(), renewed.cardNumber());
    }

    List<String> blacklisted(Tx tx) {
        return tx.query("SELECT card_number FROM issuer_card WHERE blacklisted_at IS NOT NULL ORDER BY card_number",
                r -> r.getString(1));
    }

    static IssuerException unknown(String cardNumber) {
        return new IssuerException(BankException.UNKNOWN_CARD, "card " + cardNumber + " is not a card of this bank");
    }

    private static Row row(ResultSet r) throws SQLException {
        CardCertificate cert = CardCertificate.decode(B64D.decode(r.getString("card_cert")), Bytes.of(B64D.decode(r.getString("cert_signature"))));
        return new Row(r.getString("card_number"), r.getString("customer_id"), CardKind.valueOf(r.getString("kind")), cert,
                r.getString("account_id"), r.getLong("last_sequence"), Tx.instant(r, "blacklisted_at"), r.getString("blacklist_reason"));
    }
}
