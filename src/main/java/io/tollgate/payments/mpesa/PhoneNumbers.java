package io.tollgate.payments.mpesa;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kenyan mobile numbers as Daraja wants them: 2547XXXXXXXX or 2541XXXXXXXX (Safaricom's 07… and 01…
 * ranges). People type 0712 345 678, 712345678, +254-712-345678 or 254712345678; all mean the same.
 */
final class PhoneNumbers {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]");
    private static final Pattern SUBSCRIBER = Pattern.compile("[17][0-9]{8}");
    private static final int MAX_INPUT_CHARS = 32;

    private PhoneNumbers() {}

    static Optional<String> normalize(String input) {
        if (input == null || input.length() > MAX_INPUT_CHARS) return Optional.empty();
        String digits = SEPARATORS.matcher(input.strip()).replaceAll("");
        String subscriber;
        if (digits.startsWith("+254")) subscriber = digits.substring(4);
        else if (digits.startsWith("254")) subscriber = digits.substring(3);
        else if (digits.startsWith("0")) subscriber = digits.substring(1);
        else subscriber = digits;
        return SUBSCRIBER.matcher(subscriber).matches() ? Optional.of("254" + subscriber) : Optional.empty();
    }
}
