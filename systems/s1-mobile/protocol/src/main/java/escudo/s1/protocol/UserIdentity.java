package escudo.s1.protocol;

import escudo.core.Text;
import java.util.regex.Pattern;

/**
 * Who a user certificate names (seed 001, [43]: the user information the desk checked): the name,
 * the bank's customer id and the phone number of the certification mobile terminal, in E.164 form.
 */
public record UserIdentity(String name, String customerId, String phoneNumber) {

    /** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    public static final int MAX_NAME_LENGTH = 64; // ub-common-name of RFC 5280

    public UserIdentity {
        Text.requireText("name", name, MAX_NAME_LENGTH);
        Text.requireId("customerId", customerId);
        requirePhoneNumber(phoneNumber);
    }

    /** {@code value} if it is a phone number in E.164 form, else {@code s1.malformed}. */
    public static String requirePhoneNumber(String value) {
        if (value == null || !E164.matcher(value).matches()) {
            throw new CertificateException(CertificateException.MALFORMED,
                    "a phone number is in E.164 form: a plus and 7 to 15 digits, the first not 0");
        }
        return value;
    }
}
