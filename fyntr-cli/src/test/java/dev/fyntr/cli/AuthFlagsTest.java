package dev.fyntr.cli;

import dev.fyntr.transport.nio.AuthFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.Console;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --auth-file, --require-auth, their variables, SIGHUP's routing and {@code fyntr passwd}, in-process. */
class AuthFlagsTest {

    @TempDir
    Path dir;

    private Path users() throws Exception {
        return Files.writeString(dir.resolve("users"), AuthFiles.line("alice", "pw".toCharArray(),
                AuthFiles.MIN_ITERATIONS) + "\n");
    }

    @Test
    void shouldRefuseANonLoopbackBindWithoutAnAuthFileUnderRequireAuth() {
        Cli.Result r = Cli.run("--dry-run", "--bind", "0.0.0.0", "--require-auth");
        assertEquals(2, r.status());
        assertEquals("fyntr: --require-auth: listening on 0.0.0.0, which is not a loopback address, needs "
                + "--auth-file FILE (make its lines with 'fyntr passwd USER'); or listen on 127.0.0.1",
                r.errLines().get(0));
        assertEquals(FyntrCli.USAGE_HINT, r.errLines().get(1));

        Cli.Result env = Cli.run(Map.of("FYNTR_REQUIRE_AUTH", "true", "FYNTR_BIND", "0.0.0.0"), "--dry-run");
        assertEquals(2, env.status());
        assertTrue(env.err().startsWith("fyntr: FYNTR_REQUIRE_AUTH (--require-auth): listening on 0.0.0.0"),
                env.err());

        Cli.Result socks = Cli.run("--dry-run", "--require-auth", "--socks5-port", "1080", "--socks5-bind",
                "0.0.0.0");
        assertEquals(2, socks.status(), "a SOCKS5 listener off loopback counts too");

        assertEquals(0, Cli.run("--dry-run", "--require-auth").status(), "loopback needs no auth file");
    }

    @Test
    void shouldStartOffLoopbackWithAnAuthFileWithoutTheWarning() throws Exception {
        Path users = users();
        Cli.Result r = Cli.run("--dry-run", "--bind", "0.0.0.0", "--require-auth", "--auth-file", users.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("; auth file " + users), r.out());

        Cli.Result env = Cli.run(Map.of("FYNTR_AUTH_FILE", users.toString()), "--dry-run", "--bind", "0.0.0.0");
        assertEquals(0, env.status(), env.err());
        assertEquals("", env.err());
    }

    @Test
    void shouldNameAnUnusableAuthFileAndItsLine() throws Exception {
        Cli.Result missing = Cli.run("--dry-run", "--auth-file", dir.resolve("nope").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.errLines().get(0).startsWith("fyntr: invalid value for --auth-file: cannot read auth file "
                + dir.resolve("nope")), missing.err());

        Path bad = Files.writeString(dir.resolve("bad"), "alice:secret\n");
        Cli.Result r = Cli.run("--dry-run", "--auth-file", bad.toString());
        assertEquals(2, r.status());
        assertTrue(r.errLines().get(0).startsWith("fyntr: invalid value for --auth-file: auth file " + bad
                + " line 1: user \"alice\": not a pbkdf2-sha256 hash"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void shouldRouteSighupToTheReloadAndKeepRunning() {
        AtomicInteger reloads = new AtomicInteger();
        ShutdownSignals signals = new ShutdownSignals(status -> {
            throw new AssertionError("halt(" + status + ")");
        }, message -> { });
        signals.onHangup(reloads::incrementAndGet);
        signals.signal("HUP", 1);
        signals.signal("HUP", 1);
        assertEquals(2, reloads.get());
        assertEquals(null, signals.firstSignal(), "SIGHUP is not a stop");
        signals.onHangup(() -> {
            throw new IllegalStateException("boom");
        });
        signals.signal("HUP", 1); // reported, not thrown
        signals.signal("TERM", 15);
        assertEquals("SIGTERM", signals.firstSignal());
    }

    /** Standard input with this text; a terminal or a pipe; records the echo switches. */
    private static Passwd.Input stdin(String text, boolean terminal, List<Boolean> echoes) {
        BufferedReader reader = new BufferedReader(new StringReader(text));
        return new Passwd.Input() {
            @Override
            public Console console() {
                return null;
            }

            @Override
            public BufferedReader stdin() {
                return reader;
            }

            @Override
            public boolean stdinIsTerminal() {
                return terminal;
            }

            @Override
            public void echo(boolean on) {
                echoes.add(on);
            }
        };
    }

    private static Cli.Result passwd(String stdin, String... args) {
        return passwd(stdin(stdin, false, new ArrayList<>()), args);
    }

    private static Cli.Result passwd(Passwd.Input input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Passwd.run(args, input, new PrintWriter(out), new PrintWriter(err));
        return new Cli.Result(status, out.toString(), err.toString());
    }

    @Test
    void shouldAskTwiceWithoutEchoOnATerminal() {
        List<Boolean> echoes = new ArrayList<>();
        Cli.Result r = passwd(stdin("pw\npw\n", true, echoes), "passwd", "alice", "--iterations", "1000");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("alice:pbkdf2-sha256$1000$"), r.out());
        assertTrue(r.err().contains("Password for alice: ") && r.err().contains("Again: "), r.err());
        assertEquals(List.of(false, true), echoes, "echo off while typing, back on after");

        echoes.clear();
        Cli.Result differ = passwd(stdin("pw\nPW\n", true, echoes), "passwd", "alice");
        assertEquals(1, differ.status());
        assertEquals("", differ.out());
        assertTrue(differ.err().contains("the passwords differ; nothing printed"), differ.err());
        assertEquals(List.of(false, true), echoes);
    }

    @Test
    void shouldPrintALineThatTheProxyAccepts() throws Exception {
        Cli.Result r = passwd("s3cret\nignored\n", "passwd", "alice", "--iterations", "1000");
        assertEquals(0, r.status(), r.err());
        String line = r.out().strip();
        assertTrue(line.startsWith("alice:pbkdf2-sha256$1000$"), line);
        Path users = Files.writeString(dir.resolve("users"), line + "\n");
        assertEquals(0, Cli.run("--dry-run", "--auth-file", users.toString()).status());

        assertTrue(passwd("pw\n", "passwd", "bob").out().startsWith("bob:pbkdf2-sha256$"
                + AuthFiles.DEFAULT_ITERATIONS + "$"), "the default iteration count");
    }

    @Test
    void shouldSayWhatIsWrongWithItsArguments() {
        Cli.Result noUser = passwd("pw\n", "passwd");
        assertEquals(2, noUser.status());
        assertTrue(noUser.err().startsWith("fyntr passwd: the user name is missing"), noUser.err());
        Cli.Result colon = passwd("pw\n", "passwd", "a:b");
        assertEquals(2, colon.status());
        assertTrue(colon.err().contains("contains a colon or a control character"), colon.err());
        Cli.Result iterations = passwd("pw\n", "passwd", "alice", "--iterations", "10");
        assertEquals(2, iterations.status());
        assertTrue(iterations.err().contains("invalid value for --iterations: '10'; accepted: 1000-10000000"),
                iterations.err());
        Cli.Result empty = passwd("\n", "passwd", "alice");
        assertEquals(1, empty.status());
        assertEquals("", empty.out());
    }
}
