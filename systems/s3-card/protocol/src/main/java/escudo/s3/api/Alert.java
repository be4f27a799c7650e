package escudo.s3.api;

import java.time.Instant;

/** A possible security breach the bank recorded, such as a ser# paid twice (seed 003, step 670). */
public record Alert(long id, String cardNumber, String kind, String detail, Instant createdAt) {
}
