package dev.fyntr.transport.nio.internal.auth;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void shouldMatchTheRightPasswordOnlyAfterARoundTripThroughItsStoredForm() {
        PasswordHash h = PasswordHash.create("s3cret pässword".toCharArray(), 1000, RANDOM);
        String stored = h.encoded();
        assertTrue(stored.startsWith("pbkdf2-sha256$1000$"), stored);
        PasswordHash parsed = PasswordHash.parse(stored);
        assertEquals(h, parsed);
        assertTrue(parsed.matches("s3cret pässword".toCharArray()));
        assertFalse(parsed.matches("s3cret passwörd".toCharArray()));
        assertFalse(parsed.matches("s3cret pässword ".toCharArray()));
    }

    @Test
    void shouldSaltEachHash() {
        assertNotEquals(PasswordHash.create("same".toCharArray(), 1000, RANDOM).encoded(),
                PasswordHash.create("same".toCharArray(), 1000, RANDOM).encoded());
    }

    @Test
    void shouldMatchAKnownVector() {
        // An independent implementation's answer: Python's hashlib.pbkdf2_hmac('sha256', b'password', b'saltsalt', 1000).
        PasswordHash h = PasswordHash.parse("pbkdf2-sha256$1000$c2FsdHNhbHQ=$"
                + "E196ZhRPzw+wA84EjzHwJO1cv/MFJdO6C/sxmUeTYqY=");
        assertTrue(h.matches("password".toCharArray()));
    }

    @Test
    void shouldRefuseMalformedHashesWithMessagesThatSayWhatIsAllowed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("plaintext")).getMessage()
                .contains("expected pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256$10$c2FsdHNhbHQ=$c2FsdHNhbHRzYWx0c2FsdA==")).getMessage()
                .contains("outside 1000-10000000"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256$1000$!!$c2FsdHNhbHRzYWx0c2FsdA==")).getMessage()
                .contains("salt is not base64"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256$1000$c2FsdHNhbHQ=$c2FsdA==")).getMessage()
                .contains("hash has 4 bytes; 16-64 are allowed"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256$x$c2FsdHNhbHQ=$c2FsdA==")).getMessage()
                .contains("not a number"));
    }

    @Test
    void shouldReadAnAuthFileAndNameTheLineOfAMistake() throws Exception {
        String alice = "alice:" + PasswordHash.create("a".toCharArray(), 1000, RANDOM).encoded();
        UserTable t = UserTable.parse(List.of("# users", "", alice, "  bob:" + PasswordHash.create(
                "b".toCharArray(), 1000, RANDOM).encoded() + "  "), Path.of("users.txt"));
        assertEquals(2, t.size());
        assertTrue(t.hash("bob").orElseThrow().matches("b".toCharArray()));
        assertTrue(t.hash("carol").isEmpty());

        assertEquals("auth file users.txt line 2: expected user:hash", assertThrows(
                UserTable.InvalidFileException.class, () -> UserTable.parse(List.of(alice, "bob"),
                        Path.of("users.txt"))).getMessage());
        assertTrue(assertThrows(UserTable.InvalidFileException.class, () -> UserTable.parse(List.of(alice, alice),
                Path.of("users.txt"))).getMessage().contains("line 2: user \"alice\" appears twice"));
        assertTrue(assertThrows(UserTable.InvalidFileException.class, () -> UserTable.parse(List.of(":x"),
                Path.of("users.txt"))).getMessage().contains("line 1: the user name is empty"));
        assertTrue(assertThrows(UserTable.InvalidFileException.class, () -> UserTable.parse(List.of("carol:secret"),
                Path.of("users.txt"))).getMessage().startsWith("auth file users.txt line 1: user \"carol\": not a"
                + " pbkdf2-sha256 hash"));
        assertTrue(assertThrows(UserTable.InvalidFileException.class, () -> UserTable.parse(List.of("# none"),
                Path.of("users.txt"))).getMessage().contains("hold no user"));
        assertTrue(assertThrows(UserTable.InvalidFileException.class, () -> UserTable.load(Path.of(
                "/nonexistent/users.txt"))).getMessage().startsWith("cannot read auth file /nonexistent/users.txt"));
    }
}
