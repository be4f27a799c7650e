package escudo.s3.api;

import escudo.core.Bytes;
import escudo.crypto.VerifyingKey;
import escudo.s3.protocol.CardCertificate;

/**
 * Seed 003, steps 250-270: what the bank hands back to the card: its CARD-CERT, the bank share
 * S_C sealed to the card's transport key, the bank's public key, and the initial card balance.
 */
public record IssuedCard(CardCertificate certificate, Bytes sealedBankShare, VerifyingKey bankKey, long initialBalance) {
}
