package dev.fyntr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the command in-process with an injected environment, a fake resolver and captured output. */
final class Cli {

    /** Host names the fake resolver knows; anything else is unknown. Never real DNS. */
    static final Map<String, String> HOSTS = Map.of("localhost", "127.0.0.1", "proxy.internal.test", "192.0.2.10");

    /** The scheduler names the fake lookup knows, as if these providers were installed. */
    static final List<String> SCHEDULERS = List.of("drr", "fifo");

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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        ShutdownSignals s = signals != null ? signals : new ShutdownSignals(status -> {
            throw new AssertionError("halt(" + status + ")");
        }, errWriter::println);
        FyntrCli.Context ctx = new FyntrCli.Context(env, new PrintWriter(out, true), errWriter, Cli::resolve,
                Cli::findScheduler, s, false);
        int status = FyntrCli.run(args, ctx);
        return new Result(status, out.toString(), err.toString());
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

    static String findScheduler(String name) {
        String wanted = name == null ? "drr" : name;
        if (!SCHEDULERS.contains(wanted)) {
            throw new IllegalArgumentException("no scheduler named '" + wanted + "'; available: "
                    + String.join(", ", SCHEDULERS));
        }
        return wanted;
    }

    static List<String> list(String... items) {
        return new ArrayList<>(List.of(items));
    }
}
