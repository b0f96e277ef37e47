package dev.fyntr.transport.nio.internal.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * One stored password hash of the auth file (docs/auth.md#the-auth-file), PBKDF2-HMAC-SHA256 from the JDK's
 * {@code javax.crypto}:
 * <pre>
 * pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;hash, base64&gt;
 * </pre>
 * Iterations {@value #MIN_ITERATIONS}-{@value #MAX_ITERATIONS}; the salt 8-64 bytes; the hash 16-64 bytes
 * (its length is the derived key's length). Immutable and thread-safe. {@link #matches} is slow by design
 * (hundreds of milliseconds at the default iteration count): never call it on the event loop.
 */
public final class PasswordHash {

    public static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 1_000;
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} with a random salt. */
    public static PasswordHash create(char[] password, int iterations, SecureRandom random) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be " + MIN_ITERATIONS + "-" + MAX_ITERATIONS + ": "
                    + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /**
     * Parses the stored form.
     *
     * @throws IllegalArgumentException saying what is wrong and what the form is (never echoing the hash)
     */
    public static PasswordHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        String form = "; expected " + SCHEME + "$<iterations>$<salt base64>$<hash base64> (made by 'fyntr passwd USER')";
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("not a " + SCHEME + " hash" + form);
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the iteration count is not a number" + form);
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count " + iterations + " is outside "
                    + MIN_ITERATIONS + "-" + MAX_ITERATIONS);
        }
        byte[] salt = decode(parts[2], "salt", 8, form);
        byte[] hash = decode(parts[3], "hash", 16, form);
        return new PasswordHash(iterations, salt, hash);
    }

    private static byte[] decode(String b64, String what, int minBytes, String form) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is not base64" + form);
        }
        if (bytes.length < minBytes || bytes.length > 64) {
            throw new IllegalArgumentException("the " + what + " has " + bytes.length + " bytes; " + minBytes
                    + "-64 are allowed");
        }
        return bytes;
    }

    /**
     * A hash no password matches (in practice), costing {@code iterations} to check: unknown users are checked
     * against it, so that the time an answer takes does not tell whether the user exists.
     */
    static PasswordHash unmatchable(int iterations) {
        return new PasswordHash(iterations, new byte[SALT_BYTES], new byte[HASH_BYTES]);
    }

    /** Whether {@code password} hashes to this hash; constant time in the comparison. Slow by design. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(derive(password, salt, iterations, hash.length), hash);
    }

    public int iterations() {
        return iterations;
    }

    /** The stored form, as {@link #parse} reads it. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime has PBKDF2WithHmacSHA256 (java.base's SunJCE provider).
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$…"; // never the hash: it would help an offline guess
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash h && h.iterations == iterations && Arrays.equals(h.salt, salt)
                && Arrays.equals(h.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * iterations + Arrays.hashCode(salt);
    }
}
