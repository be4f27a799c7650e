package escudo.issuer;

import java.security.SecureRandom;

/** Card numbers: the bank's prefix, eleven random digits and a Luhn check digit (16 digits). */
final class CardNumbers {

    private static final String PREFIX = "6099";

    private CardNumbers() {
    }

    static String next(SecureRandom random) {
        StringBuilder digits = new StringBuilder(PREFIX);
        for (int i = 0; i < 11; i++) {
            digits.append(random.nextInt(10));
        }
        return digits.append(luhnCheckDigit(digits)).toString();
    }

    static int luhnCheckDigit(CharSequence payload) {
        int sum = 0;
        boolean twice = true;
        for (int i = payload.length() - 1; i >= 0; i--) {
            int d = payload.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return (10 - sum % 10) % 10;
    }
}
