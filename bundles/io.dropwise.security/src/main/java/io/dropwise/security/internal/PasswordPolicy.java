package io.dropwise.security.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Which operator passwords Dropwise refuses to run with. */
final class PasswordPolicy {

    static final int MIN_LENGTH = 12;

    private static final Set<String> KNOWN_DEFAULTS = Set.of("admin", "password", "changeit", "dropwise", "secret");

    private PasswordPolicy() {
    }

    /**
     * @param account the account the password is for
     * @param password the candidate
     * @return why the password is refused, or empty when it is acceptable
     */
    static Optional<String> whyRefused(String account, String password) {
        if (password.length() < MIN_LENGTH) {
            return Optional.of("it is shorter than " + MIN_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (lower.equals(account.toLowerCase(Locale.ROOT)) || KNOWN_DEFAULTS.contains(lower)) {
            return Optional.of("it is a well-known default");
        }
        return Optional.empty();
    }
}
