package dev.fyntr.cli;

import dev.fyntr.transport.nio.AuthFiles;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * {@code fyntr passwd USER [--iterations N]}: reads a password and prints the auth-file line for it
 * (docs/auth.md#adding-a-user). When standard input is a terminal the password is read twice without echo, also when
 * standard output is redirected ({@code fyntr passwd alice >> users}, where Java 17 has no {@link Console}: the
 * echo is then switched off with {@code stty}); otherwise the first line of standard input is the password, so that it
 * can be scripted ({@code printf '%s\n' "$PW" | fyntr passwd alice}). The line goes to standard output, everything else
 * to standard error.
 */
final class Passwd {

    static final String NAME = "passwd";
    private static final String USAGE = "usage: fyntr passwd USER [--iterations N]   (reads the password from "
            + "standard input, prints USER:HASH)";

    private Passwd() {
    }

    /** Where the password comes from. */
    interface Input {
        /** A full terminal (no echo, asked twice), or {@code null}. */
        Console console();

        /** Standard input; the same reader on every call. */
        BufferedReader stdin();

        /** Whether standard input is a terminal (checked when there is no {@link #console()}). */
        boolean stdinIsTerminal();

        /** Switches the terminal's echo on or off; best effort. */
        void echo(boolean on);

        static Input system() {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
            return new Input() {
                @Override
                public Console console() {
                    return System.console();
                }

                @Override
                public BufferedReader stdin() {
                    return in;
                }

                @Override
                public boolean stdinIsTerminal() {
                    return sh("test -t 0");
                }

                @Override
                public void echo(boolean on) {
                    sh(on ? "stty echo" : "stty -echo");
                }
            };
        }

        /** Runs a shell command on our standard input (bounded); whether it succeeded. */
        private static boolean sh(String command) {
            try {
                Process p = new ProcessBuilder("sh", "-c", command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (IOException e) {
                return false; // no sh: treat standard input as a pipe
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    static int run(String[] args, Input input, PrintWriter out, PrintWriter err) {
        try {
            String user = null;
            int iterations = AuthFiles.DEFAULT_ITERATIONS;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--iterations") && i + 1 < args.length) {
                    iterations = iterations(args[++i]);
                } else if (a.startsWith("--iterations=")) {
                    iterations = iterations(a.substring("--iterations=".length()));
                } else if (a.equals("--help") || a.equals("-h")) {
                    out.println(USAGE);
                    return FyntrCli.EXIT_OK;
                } else if (a.startsWith("-") || user != null) {
                    return usage(err, "unexpected argument " + Units.quote(a));
                } else {
                    user = a;
                }
            }
            if (user == null) {
                return usage(err, "the user name is missing");
            }
            char[] password = read(input, user, err);
            if (password == null) {
                return FyntrCli.EXIT_FAILURE;
            }
            try {
                out.println(AuthFiles.line(user, password, iterations));
            } finally {
                Arrays.fill(password, '\0');
            }
            return FyntrCli.EXIT_OK;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int iterations(String text) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= AuthFiles.MIN_ITERATIONS && n <= AuthFiles.MAX_ITERATIONS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new IllegalArgumentException("invalid value for --iterations: " + Units.quote(text) + "; accepted: "
                + AuthFiles.MIN_ITERATIONS + "-" + AuthFiles.MAX_ITERATIONS + " (default "
                + AuthFiles.DEFAULT_ITERATIONS + ")");
    }

    private static int usage(PrintWriter err, String message) {
        err.println("fyntr passwd: " + message);
        err.println(USAGE);
        return FyntrCli.EXIT_USAGE;
    }

    /** The password, or {@code null} after saying why there is none. */
    private static char[] read(Input input, String user, PrintWriter err) {
        Console console = input.console();
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", user);
            char[] second = first == null ? null : console.readPassword("Again: ");
            if (first == null || second == null) {
                err.println("fyntr passwd: no password read");
                return null;
            }
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                err.println("fyntr passwd: the passwords differ; nothing printed");
                return null;
            }
            return first;
        }
        if (input.stdinIsTerminal()) {
            return readFromTerminal(input, user, err);
        }
        String line;
        try {
            line = input.stdin().readLine();
        } catch (IOException e) {
            err.println("fyntr passwd: cannot read standard input: " + e.getMessage());
            return null;
        }
        if (line == null || line.isEmpty()) {
            err.println("fyntr passwd: no password on standard input (give it as the first line, e.g. "
                    + "printf '%s\\n' \"$PASSWORD\" | fyntr passwd USER)");
            return null;
        }
        return line.toCharArray();
    }

    /** Twice from a terminal without echo; the echo comes back however this ends (Ctrl-C included). */
    private static char[] readFromTerminal(Input input, String user, PrintWriter err) {
        Thread restore = new Thread(() -> input.echo(true), "fyntr-passwd-echo");
        Runtime.getRuntime().addShutdownHook(restore);
        String first;
        String second;
        try {
            input.echo(false);
            err.print("Password for " + user + ": ");
            err.flush();
            first = input.stdin().readLine();
            err.println();
            err.print("Again: ");
            err.flush();
            second = first == null ? null : input.stdin().readLine();
            err.println();
        } catch (IOException e) {
            err.println("fyntr passwd: cannot read the terminal: " + e.getMessage());
            return null;
        } finally {
            input.echo(true);
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException e) {
                // shutting down: the hook restores the echo
            }
        }
        if (first == null || second == null || first.isEmpty()) {
            err.println("fyntr passwd: no password read");
            return null;
        }
        if (!first.equals(second)) {
            err.println("fyntr passwd: the passwords differ; nothing printed");
            return null;
        }
        return first.toCharArray();
    }
}
