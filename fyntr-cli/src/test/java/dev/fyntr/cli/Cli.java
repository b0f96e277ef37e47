package dev.fyntr.cli;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.ProxySettings;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the command in-process with an injected environment, a fake resolver and captured output. The scheduler
 * lookup is the real one, with a second provider, {@link FifoSchedulerProvider}, made visible by
 * {@link TestSchedulers}.
 */
final class Cli {

    /** Host names the fake resolver knows; anything else is unknown. Never real DNS. */
    static final Map<String, String> HOSTS = Map.of("localhost", "127.0.0.1", "proxy.internal.test", "192.0.2.10");

    private Cli() {
    }

    record Result(int status, String out, String err) {
        /** The error output's lines. */
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
        }
    }

    static Result run(Map<String, String> env, String... args) {
        return run(env, null, args);
    }

    static Result run(Map<String, String> env, ShutdownSignals signals, String... args) {
        return run(env, signals, proxy -> { }, args);
    }

    /**
     * @param signals {@code null} for fresh ones that fail the test on a second signal
     * @param started gets the running proxy, on the command's thread, just before the command waits for a signal
     */
    static Result run(Map<String, String> env, ShutdownSignals signals, Consumer<FyntrProxy> started,
                      String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        ShutdownSignals s = signals != null ? signals : new ShutdownSignals(status -> {
            throw new AssertionError("halt(" + status + ")");
        }, errWriter::println);
        FyntrCli.Context ctx = new FyntrCli.Context(env, new PrintWriter(out, true), errWriter, Cli::resolve,
                s, false, started);
        int status = TestSchedulers.call(() -> FyntrCli.run(args, ctx));
        return new Result(status, out.toString(), err.toString());
    }

    /**
     * What a dry run with these arguments must print on stderr: each warning of the builder's own check
     * ({@code ProxySettings.warnings()}) as a {@code fyntr: warning: } line, or nothing. For arguments the command
     * accepts, with the default scheduler; binds resolve with the fake resolver.
     */
    static String dryRunWarnings(Map<String, String> env, String... args) throws Exception {
        FyntrCommand o = FyntrCli.parse(args, env).options();
        InetAddress socks5Bind = o.socks5Bind == null ? null : resolve(o.socks5Bind.strip());
        ProxySettings settings = FyntrCli.configure(o, resolve(o.bind.strip()), socks5Bind).build();
        StringBuilder lines = new StringBuilder();
        for (String warning : settings.warnings()) {
            lines.append("fyntr: warning: ").append(warning).append(System.lineSeparator());
        }
        return lines.toString();
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static InetAddress resolve(String host) throws UnknownHostException {
        String ip = HOSTS.get(host);
        if (ip != null) {
            return InetAddress.getByName(ip);
        }
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        }
        throw new UnknownHostException(host + ": Name or service not known");
    }

    static List<String> list(String... items) {
        return new ArrayList<>(List.of(items));
    }
}
