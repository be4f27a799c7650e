package escudo.s1.phone;

import escudo.core.ErrorCode;
import escudo.core.EscudoException;
import escudo.s1.protocol.CmpEnrolment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** How the phone reaches the bank's CA (seed 001, the second network 400): CMP over HTTP (RFC 6712). */
public interface CaLink {

    /** The phone cannot reach the CA, or it answered something that is not a CMP answer. */
    ErrorCode UNREACHABLE = ErrorCode.declare("phone.ca-unreachable", EscudoException.Kind.INTERNAL);

    /** Posts one CMP message and returns the CA's answer, both DER. */
    byte[] cmp(byte[] message);

    /** The CA of the bank at {@code bank} ({@code /issuer/ca/cmp}). */
    static CaLink http(URI bank) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI endpoint = bank.resolve("/issuer/ca/cmp");
        return message -> {
            try {
                HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", CmpEnrolment.MEDIA_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200 || !answer.headers().firstValue("Content-Type").orElse("").equals(CmpEnrolment.MEDIA_TYPE)) {
                    throw new EscudoException(UNREACHABLE, "the CA answered HTTP " + answer.statusCode() + " without a CMP message");
                }
                return answer.body();
            } catch (IOException e) {
                throw new EscudoException(UNREACHABLE, "cannot reach the CA at " + endpoint + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EscudoException(UNREACHABLE, "interrupted while waiting for the CA", e);
            }
        };
    }
}
