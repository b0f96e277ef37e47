package dev.fyntr.transport.nio.internal.auth;

import dev.fyntr.transport.nio.internal.net.LogSafe;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users of an auth file (docs/auth.md#the-auth-file): one {@code user:hash} per line, UTF-8, blank lines and
 * lines starting with {@code #} ignored; the user name is everything before the first colon (1-255 bytes, no
 * control characters), the hash a {@link PasswordHash}. Immutable and thread-safe.
 */
public final class UserTable {

    /** The most users one file may hold: the table lives in memory for the life of the proxy. */
    public static final int MAX_USERS = 100_000;
    private static final long MAX_FILE_BYTES = 64L << 20;

    private final Path file;
    private final Map<String, PasswordHash> users;

    private UserTable(Path file, Map<String, PasswordHash> users) {
        this.file = file;
        this.users = Map.copyOf(users);
    }

    /** A table from lines, e.g. for {@code FyntrProxyBuilder.credentials}; {@code origin} names them in messages. */
    public static UserTable parse(List<String> lines, Path origin) throws InvalidFileException {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        int number = 0;
        for (String line : lines) {
            number++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int colon = s.indexOf(':');
            if (colon < 0) {
                throw new InvalidFileException(where(origin, number) + "expected user:hash");
            }
            String user = s.substring(0, colon);
            String problem = userNameProblem(user);
            if (problem != null) {
                throw new InvalidFileException(where(origin, number) + problem);
            }
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(s.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new InvalidFileException(where(origin, number) + "user " + LogSafe.quote(user, 64) + ": "
                        + e.getMessage());
            }
            if (users.put(user, hash) != null) {
                throw new InvalidFileException(where(origin, number) + "user " + LogSafe.quote(user, 64)
                        + " appears twice");
            }
            if (users.size() > MAX_USERS) {
                throw new InvalidFileException(where(origin, number) + "more than " + MAX_USERS + " users");
            }
        }
        if (users.isEmpty()) {
            throw new InvalidFileException((origin == null ? "the credentials" : "auth file " + origin)
                    + " hold no user; add a line made by 'fyntr passwd USER'");
        }
        return new UserTable(origin, users);
    }

    /** Reads an auth file. */
    public static UserTable load(Path file) throws InvalidFileException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InvalidFileException("auth file " + file + " is larger than " + (MAX_FILE_BYTES >> 20)
                        + " MiB");
            }
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidFileException("auth file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new InvalidFileException("cannot read auth file " + file + ": " + e);
        }
        return parse(text.lines().toList(), file);
    }

    /** Why a user name is not allowed, or {@code null}. */
    public static String userNameProblem(String user) {
        if (user.isEmpty()) {
            return "the user name is empty";
        }
        if (user.getBytes(StandardCharsets.UTF_8).length > 255) {
            return "the user name is longer than 255 bytes (SOCKS5's limit)";
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c < 0x20 || c == 0x7F || c == ':') {
                return "the user name " + LogSafe.quote(user, 64) + " contains a colon or a control character";
            }
        }
        return null;
    }

    private static String where(Path origin, int line) {
        return (origin == null ? "credentials" : "auth file " + origin) + " line " + line + ": ";
    }

    /** The user's hash, if the user exists. */
    public Optional<PasswordHash> hash(String user) {
        return Optional.ofNullable(users.get(user));
    }

    public int size() {
        return users.size();
    }

    /** The file it was read from, or {@code null} for credentials given in code. */
    public Path file() {
        return file;
    }

    /** The highest iteration count in the table: unknown users are checked at that cost, so time tells nothing. */
    int maxIterations() {
        int max = PasswordHash.MIN_ITERATIONS;
        for (PasswordHash h : users.values()) {
            max = Math.max(max, h.iterations());
        }
        return max;
    }

    @Override
    public String toString() {
        return (file == null ? "credentials" : "auth file " + file) + " (" + users.size() + " users)";
    }

    /** The file cannot be used; the message names it, the line and what is wrong. */
    public static final class InvalidFileException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidFileException(String message) {
            super(message);
        }
    }
}
