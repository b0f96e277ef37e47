package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.auth.PasswordHash;
import dev.fyntr.transport.nio.internal.auth.UserTable;

import java.security.SecureRandom;

/**
 * Lines of an auth file (docs/auth.md#the-auth-file), {@code user:pbkdf2-sha256$<iterations>$<salt>$<hash>}, for
 * {@link FyntrProxyBuilder#authFile} and {@link FyntrProxyBuilder#credentials}; the command's
 * {@code fyntr passwd USER} prints one. Thread-safe.
 */
public final class AuthFiles {

    /** The iteration count new lines get: {@value}, OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = PasswordHash.DEFAULT_ITERATIONS;
    /** The fewest iterations a line may have. */
    public static final int MIN_ITERATIONS = PasswordHash.MIN_ITERATIONS;
    /** The most iterations a line may have. */
    public static final int MAX_ITERATIONS = PasswordHash.MAX_ITERATIONS;

    private AuthFiles() {
    }

    /** As {@link #line(String, char[], int)} with {@link #DEFAULT_ITERATIONS}. */
    public static String line(String user, char[] password) {
        return line(user, password, DEFAULT_ITERATIONS);
    }

    /**
     * A new line for {@code user} with a random salt. Slow by design (PBKDF2), about as slow as one check.
     *
     * @throws IllegalArgumentException if the user name is empty, longer than 255 bytes, or holds a colon or a
     *                                  control character; if the password is empty; if {@code iterations} is out of
     *                                  range (the message says which and what is allowed)
     */
    public static String line(String user, char[] password, int iterations) {
        String problem = UserTable.userNameProblem(user);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        return user + ":" + PasswordHash.create(password, iterations, new SecureRandom()).encoded();
    }
}
