package escudo.bank;

import java.security.SecureRandom;

/** Card numbers: 16 digits, an issuer prefix (one per kind of card), random digits and a Luhn check digit. */
public final class CardNumbers {

    private CardNumbers() {
    }

    /** A 16-digit number: {@code prefix} (1 to 15 digits), random digits, and the Luhn check digit. */
    public static String next(SecureRandom random, String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.length() > 15 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("a card number prefix is 1 to 15 digits");
        }
        StringBuilder digits = new StringBuilder(prefix);
        while (digits.length() < 15) {
            digits.append(random.nextInt(10));
        }
        return digits.append(luhnCheckDigit(digits)).toString();
    }

    /** Whether {@code number} is 16 ASCII digits whose last one is the Luhn check digit of the others. */
    public static boolean isValid(String number) {
        if (number == null || number.length() != 16 || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return luhnCheckDigit(number.subSequence(0, 15)) == number.charAt(15) - '0';
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
