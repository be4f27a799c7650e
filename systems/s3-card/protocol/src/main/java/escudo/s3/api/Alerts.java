package escudo.s3.api;

import java.util.List;

/** {@code GET /issuer/alerts} (bank desk): what the bank's S3 checks raised, oldest first. */
public record Alerts(List<Alert> alerts) {
}
