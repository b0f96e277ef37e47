package dev.fyntr.cli;

import dev.fyntr.api.SchedulerCatalog;
import dev.fyntr.api.Schedulers;
import dev.fyntr.api.UnknownSchedulerException;
import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.FyntrProxyBuilder;
import dev.fyntr.transport.nio.ProxyDefaults;
import dev.fyntr.transport.nio.ProxySettings;
import dev.fyntr.transport.nio.ThreatAction;
import dev.fyntr.transport.nio.ThreatFeedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The {@code fyntr} command: parses flags and {@code FYNTR_*} variables, configures a {@link FyntrProxyBuilder},
 * starts the proxy and stops it on SIGINT/SIGTERM. It has no proxy logic of its own.
 *
 * <p>Exit statuses: 0 normal stop, {@code --help}, {@code --version}, {@code --dry-run}; 1 runtime failure
 * ({@code fyntr: port 9999 is already in use …}); 2 bad usage (one line naming the flag or variable, the bad value
 * and the accepted forms, then {@value #USAGE_HINT}).
 */
public final class FyntrCli {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final String USAGE_HINT = "Try 'fyntr --help' for more information.";

    private FyntrCli() {
    }

    /** Resolves {@code --bind}; {@link InetAddress#getByName} in production, a fake in tests (no real DNS). */
    @FunctionalInterface
    interface HostResolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    /**
     * What the command needs from its process, so that tests can run it in-process.
     *
     * @param installOsSignalHandlers whether to take over SIGINT/SIGTERM and add a shutdown hook (the real command
     *                                only: both are process-wide)
     * @param started                 called on the command's thread with the running proxy, just before it waits
     *                                for a signal; does nothing in production, and lets tests stop the proxy
     *                                without a signal
     */
    record Context(Map<String, String> env, PrintWriter out, PrintWriter err, HostResolver resolver,
                   ShutdownSignals signals, boolean installOsSignalHandlers, Consumer<FyntrProxy> started) {
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        ShutdownSignals signals = new ShutdownSignals(status -> Runtime.getRuntime().halt(status), message -> {
            err.println(message);
            err.flush();
        });
        int status = run(args, new Context(System.getenv(), out, err, InetAddress::getByName, signals, true,
                proxy -> { }));
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Parses, validates and (unless a help, version or dry run) runs until stopped; returns the exit status. */
    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        ShutdownSignals signals = new ShutdownSignals(status -> {
            throw new IllegalStateException("halt(" + status + ") outside the real command");
        }, err::println);
        return run(args, new Context(env, out, err, InetAddress::getByName, signals, false, proxy -> { }));
    }

    static int run(String[] args, Context ctx) {
        if (args.length > 0 && args[0].equals(Passwd.NAME)) {
            return Passwd.run(args, Passwd.Input.system(), ctx.out(), ctx.err());
        }
        try {
            return runChecked(args, ctx);
        } catch (UsageException e) {
            ctx.err().println("fyntr: " + e.getMessage());
            ctx.err().println(USAGE_HINT);
            return EXIT_USAGE;
        } catch (RuntimeException e) {
            // e.g. two scheduler providers with one name: a broken installation, not a usage error.
            ctx.err().println("fyntr: " + e.getMessage());
            return EXIT_FAILURE;
        } finally {
            ctx.out().flush();
            ctx.err().flush();
        }
    }

    /** A bad flag or variable; the message names it, the bad value and the accepted forms. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static CommandLine commandLine(FyntrCommand options, Map<String, String> env) {
        CommandLine commandLine = new CommandLine(options);
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(env));
        HelpLayout.install(commandLine);
        return commandLine;
    }

    /**
     * The flags and variables, parsed and converted (but the bind address not yet resolved).
     *
     * @param sources tells, for messages, whether a value came from a flag or a variable
     */
    record Parsed(FyntrCommand options, CommandLine commandLine, Sources sources) {
    }

    /** Parses flags over variables over defaults; a bad value is a {@link UsageException}. */
    static Parsed parse(String[] args, Map<String, String> env) throws UsageException {
        FyntrCommand options = new FyntrCommand();
        CommandLine commandLine = commandLine(options, env);
        Sources sources = new Sources(commandLine, args, env);
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new UsageException(describe(e, sources));
        }
        if (!commandLine.isUsageHelpRequested() && !commandLine.isVersionHelpRequested()) {
            applySwitchVariables(commandLine, parsed, sources);
        }
        return new Parsed(options, commandLine, sources);
    }

    private static int runChecked(String[] args, Context ctx) throws UsageException {
        Parsed parsed = parse(args, ctx.env());
        CommandLine commandLine = parsed.commandLine();
        FyntrCommand options = parsed.options();
        Sources sources = parsed.sources();
        if (commandLine.isUsageHelpRequested()) {
            // Without the variables: the help's "default ..." are the built-in defaults, not FYNTR_* values.
            commandLine(new FyntrCommand(), Map.of()).usage(ctx.out());
            return EXIT_OK;
        }
        if (commandLine.isVersionHelpRequested()) {
            commandLine.printVersionHelp(ctx.out());
            return EXIT_OK;
        }
        for (String warning : EnvironmentDefaults.unknownVariables(ctx.env(), commandLine)) {
            ctx.err().println("fyntr: warning: " + warning);
        }
        SchedulerCatalog catalog;
        try {
            Plugins plugins = Plugins.load(options.pluginPath, Plugins.defaultDir());
            for (String warning : plugins.warnings()) {
                ctx.err().println("fyntr: warning: " + warning);
            }
            catalog = plugins.catalog();
        } catch (Plugins.PluginException e) {
            if (e.badPath) {
                throw new UsageException("invalid value for " + sources.of("--plugin-path") + ": " + e.getMessage());
            }
            return failure(ctx, e.getMessage(), null, options.logLevel);
        }
        for (String problem : catalog.problems()) {
            ctx.err().println("fyntr: warning: " + problem + "; skipped");
        }
        if (options.listSchedulers) {
            listSchedulers(catalog, ctx.out());
            return EXIT_OK;
        }
        SchedulerProvider provider = provider(catalog, options, sources);
        if (options.weight != null && !options.weight.isBlank() && "drr".equals(provider.name())) {
            throw new UsageException(sources.of("--weight") + " needs --scheduler wdrr (or a plug-in that reads "
                    + "weights); drr gives every flow the same quantum");
        }

        InetAddress bind = resolveBind(options.bind, "--bind", "--port", ctx.resolver(), sources);
        InetAddress socks5Bind = options.socks5Bind == null || options.socks5Bind.isBlank() ? null
                : resolveBind(options.socks5Bind, "--socks5-bind", "--socks5-port", ctx.resolver(), sources);
        // Checked even while --metrics-port is off: a typo should not wait until the port is turned on.
        InetAddress metricsAddress = resolveBind(options.metricsBind, "--metrics-bind", "--metrics-port",
                ctx.resolver(), sources);
        InetAddress metricsBind = options.metricsPort < 0 ? null : metricsAddress;
        requireAuthentication(options, bind, socks5Bind, sources);
        // Before the check: it loads the threat feeds, whose loader logs the rules it skips.
        Logging.configure(options.logLevel, options.accessLog.on());
        ProxySettings settings;
        try {
            settings = check(configure(options, bind, socks5Bind).scheduler(provider), options, sources);
        } catch (ThreatFeedException e) {
            // The loader's message names the file and what failed; a dry run and a start print the same.
            return failure(ctx, e.getMessage(), e, options.logLevel);
        }
        if (options.dryRun) {
            // A start logs these through the transport; without a start the dry run shows them itself.
            for (String warning : settings.warnings()) {
                ctx.err().println("fyntr: warning: " + warning);
            }
            InetSocketAddress socks5 = options.socks5Port < 0 ? null
                    : new InetSocketAddress(socks5Bind == null ? bind : socks5Bind, options.socks5Port);
            ctx.out().println("fyntr " + Version.get() + " would listen on " + hostPort(settings.listenAddress())
                    + " (" + summary(options, settings.schedulerName(), settings.schedulerDescription(), socks5)
                    + "); dry run, not listening");
            return EXIT_OK;
        }
        return serve(settings, options, metricsBind, ctx);
    }

    /** {@code --list-schedulers}: one line per provider, sorted by name: name, description, origin. */
    static void listSchedulers(SchedulerCatalog catalog, PrintWriter out) {
        List<SchedulerCatalog.Entry> entries = new ArrayList<>(catalog.entries());
        entries.sort(Comparator.comparing(SchedulerCatalog.Entry::name));
        int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(0);
        for (SchedulerCatalog.Entry e : entries) {
            String description;
            try {
                description = e.provider().description();
            } catch (RuntimeException | LinkageError t) {
                description = "(its description failed: " + t + ")";
            }
            out.println(String.format(Locale.ROOT, "%-" + width + "s  %s  [%s]", e.name(), description,
                    e.origin()));
        }
        if (entries.isEmpty()) {
            out.println("no scheduler found (is fyntr-scheduler-drr on the module path or class path?)");
        }
    }

    /**
     * The provider the flags ask for: {@code --scheduler} (or its variable), else {@code -Dfyntr.scheduler}, else
     * {@code drr}; an unknown name is a usage error naming where it came from and the names found.
     */
    static SchedulerProvider provider(SchedulerCatalog catalog, FyntrCommand o, Sources sources)
            throws UsageException {
        try {
            // As the builder takes names: trimmed, any case.
            return catalog.provider(o.scheduler == null ? null : o.scheduler.strip().toLowerCase(Locale.ROOT));
        } catch (UnknownSchedulerException e) {
            String hint = "; a plug-in jar is loaded with --plugin-path JAR (see --list-schedulers)";
            if (o.scheduler != null && !o.scheduler.isBlank()) {
                throw new UsageException("invalid value for " + sources.of("--scheduler") + ": " + e.getMessage()
                        + hint);
            }
            String property = System.getProperty(Schedulers.PROPERTY);
            if (property != null && !property.isBlank()) {
                throw new UsageException("invalid value for -D" + Schedulers.PROPERTY + ": " + e.getMessage() + hint);
            }
            throw e; // the default is missing: a broken installation, not a usage error
        }
    }

    /**
     * {@code --require-auth}: a listener on a non-loopback address without {@code --auth-file} is an error rather
     * than the builder's warning.
     */
    static void requireAuthentication(FyntrCommand o, InetAddress bind, InetAddress socks5Bind, Sources sources)
            throws UsageException {
        if (!o.requireAuth || o.authFile != null) {
            return;
        }
        InetAddress open = !bind.isLoopbackAddress() ? bind
                : o.socks5Port >= 0 && socks5Bind != null && !socks5Bind.isLoopbackAddress() ? socks5Bind : null;
        if (open != null) {
            throw new UsageException(sources.of("--require-auth") + ": listening on " + open.getHostAddress()
                    + ", which is not a loopback address, needs --auth-file FILE (make its lines with 'fyntr passwd "
                    + "USER'); or listen on 127.0.0.1");
        }
    }

    /**
     * Builds the proxy's configuration. The converters have vetted each value, so the setters accept them; whether
     * the values go together is {@link FyntrProxyBuilder#build()}'s check (see {@link #check}).
     *
     * @param socks5Bind the resolved {@code --socks5-bind}, or {@code null} for the builder's default (the bind
     *                   address)
     */
    static FyntrProxyBuilder configure(FyntrCommand o, InetAddress bind, InetAddress socks5Bind) {
        FyntrProxyBuilder builder = FyntrProxy.builder()
                .bind(bind)
                .port(o.port)
                .maxConnections(o.maxConnections)
                .maxConnectionsPerClient(o.maxConnectionsPerClient)
                .maxNameLookups(o.maxNameLookups, o.maxNameLookupsPerClient)
                .idleTimeout(o.idleTimeout)
                .handshakeTimeout(o.handshakeTimeout)
                .connectTimeout(o.connectTimeout)
                .shutdownGrace(o.shutdownGrace)
                .scheduler(o.scheduler)
                .sparseFlowPriority(!o.noSparsePriority)
                .allowPorts(o.allowPorts.stream().mapToInt(Integer::intValue).toArray())
                .defaultAllowPort(!o.noDefaultAllowPort)
                .allowCidrs(o.allowCidrs.toArray(String[]::new))
                .denyCidrs(o.denyCidrs.toArray(String[]::new))
                .allowDomains(o.allowDomains.toArray(String[]::new))
                .sniCheck(o.sniCheck)
                .plainHttp(o.plainHttp.on())
                .maxRate(o.maxRate)
                .maxDownloadRate(o.maxDownloadRate)
                .maxConnectRate(o.maxConnectRate)
                .threatFeedFiles(o.threatFeedFiles.toArray(Path[]::new))
                .threatAction(o.threatAction)
                .accessLog(o.accessLog.on())
                .jmx(o.jmx.on());
        if (o.authFile != null) {
            builder.authFile(o.authFile);
        }
        if (o.maxBufferMemory > 0) {
            builder.maxBufferMemory(o.maxBufferMemory); // else the builder's default, decided by the JVM's limits
        }
        if (o.socks5Port >= 0) {
            builder.socks5Port(o.socks5Port);
        }
        if (socks5Bind != null) {
            builder.socks5Bind(socks5Bind); // without a port the builder's check refuses it
        }
        if (o.weight != null && !o.weight.isBlank()) {
            builder.schedulerOption("weight", o.weight);
        }
        if (o.quantum.isAuto()) {
            builder.adaptiveQuantum();
        } else {
            builder.fixedQuantum(o.quantum.fixedBytes());
        }
        return builder;
    }

    /**
     * The builder's one check of the whole configuration, shared by the dry run and the start: it finds the
     * scheduler, loads the threat feeds and collects the warnings. What it refuses in the configuration becomes a
     * usage error here, in the words of the flags and naming the variable a value came from; this is the only place
     * that translates the builder's refusals.
     *
     * @throws ThreatFeedException when a feed cannot be read or the feeds hold no usable entry (a runtime failure)
     */
    static ProxySettings check(FyntrProxyBuilder builder, FyntrCommand o, Sources sources)
            throws UsageException, ThreatFeedException {
        try {
            return builder.build();
        } catch (UnknownSchedulerException e) {
            // Its message lists the names found.
            throw new UsageException("invalid value for " + sources.of("--scheduler") + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            if (o.weight != null && e.getCause() instanceof IllegalArgumentException
                    && String.valueOf(e.getMessage()).contains("refused its configuration")) {
                // The scheduler's own words name the bad rule and the syntax.
                throw new UsageException("invalid value for " + sources.of("--weight") + ": "
                        + e.getCause().getMessage());
            }
            throw new UsageException(refusal(e, o, sources));
        }
    }

    /**
     * Which combination the builder refused, told from the values it was given. The builder decides whether a
     * combination is wrong; this only chooses the words.
     */
    private static String refusal(IllegalArgumentException e, FyntrCommand o, Sources sources) {
        if (o.threatAction == ThreatAction.BLOCK && o.threatFeedFiles.isEmpty()) {
            // block with nothing to match would refuse nothing.
            return sources.of("--threat-action") + " block needs at least one --threat-feed-file; give a feed, "
                    + "or use --threat-action warn";
        }
        if (o.socks5Bind != null && !o.socks5Bind.isBlank() && o.socks5Port < 0) {
            return sources.of("--socks5-bind") + " is set but --socks5-port is not; the SOCKS5 listener is off "
                    + "unless a port is given (e.g. --socks5-port 1080)";
        }
        if (o.authFile != null && String.valueOf(e.getMessage()).contains("auth file " + o.authFile)) {
            return "invalid value for " + sources.of("--auth-file") + ": " + e.getMessage();
        }
        // A refusal this command has no words for: the builder's message names the setting and its flag.
        return e.getMessage();
    }

    /** @param metricsBind the resolved {@code --metrics-bind}, or null when {@code --metrics-port} is off */
    private static int serve(ProxySettings settings, FyntrCommand options, InetAddress metricsBind, Context ctx) {
        Logger log = LoggerFactory.getLogger("fyntr");
        FyntrProxy proxy;
        try {
            proxy = settings.start();
        } catch (BindException e) {
            return failure(ctx, bindFailure(e, options, settings.listenAddress().getAddress()), e, options.logLevel);
        } catch (IOException | RuntimeException e) {
            return failure(ctx, "could not start: " + e, e, options.logLevel);
        }
        // However the proxy stops (its event loop fails, or a shutdown hook closes it), the waiting thread below
        // learns of it at once.
        AtomicReference<Throwable> failed = new AtomicReference<>();
        proxy.terminated().whenComplete((ignored, e) -> {
            failed.set(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            ctx.signals().proxyStopped();
        });

        MetricsServer metrics = null;
        if (metricsBind != null) {
            InetSocketAddress at = new InetSocketAddress(metricsBind, options.metricsPort);
            try {
                metrics = MetricsServer.start(proxy, at);
            } catch (IOException | RuntimeException e) {
                proxy.close();
                boolean inUse = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("in use");
                return failure(ctx, "cannot serve metrics on " + hostPort(at) + ": " + e.getMessage()
                        + (inUse ? "; stop the other process or choose another --metrics-port" : ""), e,
                        options.logLevel);
            }
            log.info("metrics at http://{}/metrics, health at /healthz", hostPort(metrics.address()));
        }
        Thread hook = null;
        try {
            ctx.signals().onHangup(() -> {
                log.info("SIGHUP: reloading{}{}", options.authFile == null ? "" : " the auth file",
                        options.threatFeedFiles.isEmpty() ? "" : (options.authFile == null ? "" : " and")
                                + " the threat feeds");
                proxy.reload();
            });
            boolean handlers = ctx.installOsSignalHandlers() && ctx.signals().installOsHandlers();
            if (ctx.installOsSignalHandlers()) {
                // Covers SIGINT/SIGTERM (and SIGHUP) when the handlers could not be installed.
                hook = new Thread(proxy::close, "fyntr-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                if (!handlers) {
                    log.debug("SIGINT/SIGTERM handlers not installed; a shutdown hook closes the proxy instead, "
                            + "and a second signal cannot cut the grace period short");
                }
            }
            // The transport logged "fyntr <version> listening on …" and the warnings of the builder's check
            // (non-loopback bind, open-file limit); the command adds the settings it was given.
            log.info("settings: {}", summary(options, proxy.schedulerName(), settings.schedulerDescription(),
                    proxy.socks5Address().orElse(null)));
            ctx.started().accept(proxy);
            ctx.signals().awaitSignalOrStop();
            if (ctx.signals().firstSignal() == null) {
                proxy.close();
                return failure(ctx, "the proxy stopped unexpectedly; see the log above", failed.get(),
                        options.logLevel);
            }
            log.info("{}: stopping; open tunnels may finish for up to {} (signal again to exit at once)",
                    ctx.signals().firstSignal(), Units.formatDuration(options.shutdownGrace));
            proxy.close();
            log.info("stopped");
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proxy.close();
            return EXIT_OK;
        } catch (RuntimeException e) {
            proxy.close();
            return failure(ctx, e.toString(), e, options.logLevel);
        } finally {
            removeHook(hook);
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    /** Which listener could not bind, in the words of the flags. The transport says SOCKS5 for that listener. */
    private static String bindFailure(BindException e, FyntrCommand options, InetAddress bind) {
        String message = String.valueOf(e.getMessage());
        boolean inUse = message.toLowerCase(Locale.ROOT).contains("in use");
        if (message.contains("SOCKS5")) {
            return inUse ? "SOCKS5 port " + options.socks5Port + " is already in use; stop the other process or "
                    + "choose another --socks5-port" : message;
        }
        if (inUse) {
            return "port " + options.port + " is already in use on " + bind.getHostAddress()
                    + "; stop the other process or choose another --port";
        }
        // The transport's message names the address already.
        String line = message.startsWith("cannot listen") ? message
                : "cannot listen on " + hostPort(bind, options.port) + ": " + message;
        return message.toLowerCase(Locale.ROOT).contains("assign requested address")
                ? line + "; " + bind.getHostAddress() + " is not an address of this machine: give one of its "
                        + "addresses to --bind, 127.0.0.1, or 0.0.0.0 for all"
                : line;
    }

    private static void removeHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs and finds the proxy closed.
        }
    }

    private static int failure(Context ctx, String message, Throwable cause, LogLevel level) {
        ctx.err().println("fyntr: " + message);
        if (cause != null && level.showsStackTraces()) {
            cause.printStackTrace(ctx.err());
        }
        return EXIT_FAILURE;
    }

    /** picocli's parse error as one line: which flag or variable, the bad value, the accepted forms. */
    static String describe(ParameterException e, Sources sources) {
        if (e.getArgSpec() instanceof OptionSpec && e.getCause() instanceof TypeConversionException) {
            OptionSpec option = (OptionSpec) e.getArgSpec();
            return "invalid value for " + sources.of(option) + ": " + e.getCause().getMessage();
        }
        String message = e.getMessage();
        String line = message.isEmpty() ? message
                : Character.toLowerCase(message.charAt(0)) + message.substring(1);
        if (e instanceof UnmatchedArgumentException) {
            List<String> suggestions = ((UnmatchedArgumentException) e).getSuggestions();
            if (!suggestions.isEmpty()) {
                line += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        return line;
    }

    /** Reads the variables of the switches, which {@link EnvironmentDefaults} leaves to us. */
    private static void applySwitchVariables(CommandLine commandLine, ParseResult parsed, Sources sources)
            throws UsageException {
        EnvironmentDefaults defaults = new EnvironmentDefaults(sources.env);
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (!EnvironmentDefaults.hasVariable(option) || !EnvironmentDefaults.isSwitch(option)
                    || parsed.hasMatchedOption(option)) {
                continue;
            }
            String value = defaults.lookup(option);
            if (value == null) {
                continue;
            }
            try {
                option.setValue(Converters.envSwitch(value));
            } catch (TypeConversionException e) {
                throw new UsageException("invalid value for " + sources.of(option) + ": " + e.getMessage());
            }
        }
    }

    private static InetAddress resolveBind(String value, String flag, String portFlag, HostResolver resolver,
                                           Sources sources) throws UsageException {
        String forms = "; accepted: an IP address or a host name, without a port (e.g. 127.0.0.1, ::1, 0.0.0.0, "
                + "localhost)";
        String s = value == null ? "" : value.strip();
        String where = "invalid value for " + sources.of(flag) + ": ";
        if (s.isEmpty()) {
            throw new UsageException(where + "'' is empty" + forms);
        }
        boolean hostWithPort = s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') > 0 && !s.startsWith("[");
        if (hostWithPort || s.matches("\\[.*]:\\d+") || s.contains("/") || s.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException(where + Units.quote(value) + " is not an address"
                    + (hostWithPort ? " (the port goes in " + portFlag + ")" : "") + forms);
        }
        try {
            return resolver.resolve(s);
        } catch (UnknownHostException | RuntimeException e) {
            throw new UsageException(where + Units.quote(value) + " is not an IP address and does not resolve ("
                    + e.getMessage() + ")" + forms);
        }
    }

    /**
     * The part of the startup line after the address: the scheduler with what its provider says of its settings
     * ({@code drr (quantum auto, sparse-flow priority on)}), limits (connections, per client, the memory
     * budget, name lookups), timeouts, policy, then rate caps, threat feeds and SOCKS5 when set.
     *
     * @param socks5 the SOCKS5 listen address ({@code --socks5-port} on), or {@code null}
     */
    static String summary(FyntrCommand o, String schedulerName, String schedulerDescription,
                          InetSocketAddress socks5) {
        TreeSet<Integer> ports = new TreeSet<>(o.allowPorts);
        if (!o.noDefaultAllowPort) {
            ports.add(ProxyDefaults.DEFAULT_ALLOWED_PORT);
        }
        return "scheduler " + schedulerName
                + (schedulerDescription.equals(schedulerName) ? "" : " (" + schedulerDescription + ")")
                + ", max " + (o.maxConnections == 0 ? "unlimited" : String.valueOf(o.maxConnections)) + " connections"
                + " (" + (o.maxConnectionsPerClient == 0 ? "unlimited" : String.valueOf(o.maxConnectionsPerClient))
                + " per client)"
                + ", buffer memory " + Units.formatMemory(bufferMemory(o))
                + ", name lookups " + o.maxNameLookups + " (" + o.maxNameLookupsPerClient + " per client)"
                + ", idle timeout " + (o.idleTimeout.isZero() ? "never" : Units.formatDuration(o.idleTimeout))
                + ", handshake timeout " + Units.formatDuration(o.handshakeTimeout)
                + ", connect timeout " + Units.formatDuration(o.connectTimeout)
                + ", shutdown grace " + Units.formatDuration(o.shutdownGrace)
                + "; ports " + (ports.isEmpty() ? "none" : join(ports))
                + ", allow-cidr " + (o.allowCidrs.isEmpty() ? "none" : String.join(",", o.allowCidrs))
                + ", deny-cidr " + (o.denyCidrs.isEmpty() ? "built-in" : "built-in+" + String.join(",", o.denyCidrs))
                + ", allow-domain " + (o.allowDomains.isEmpty() ? "none" : String.join(",", o.allowDomains))
                + ", sni-check " + o.sniCheck.name().toLowerCase(Locale.ROOT)
                + ", plain-http " + o.plainHttp
                + shapingSummary(o)
                + (o.threatFeedFiles.isEmpty() ? "" : "; threat feeds " + o.threatFeedFiles.stream()
                        .map(Path::toString).collect(Collectors.joining(",")) + " (action "
                        + o.threatAction.name().toLowerCase(Locale.ROOT) + ")")
                + (socks5 == null ? "" : "; SOCKS5 on " + hostPort(socks5))
                + (o.metricsPort < 0 ? "" : "; metrics port " + o.metricsPort + " on " + o.metricsBind)
                + (o.accessLog.on() ? "" : "; access log off")
                + (o.jmx.on() ? "; JMX on" : "")
                + (o.authFile == null ? "" : "; auth file " + o.authFile);
    }

    /** The memory budget the proxy gets: {@code --max-buffer-memory}, else the builder's default for this JVM. */
    static long bufferMemory(FyntrCommand o) {
        return o.maxBufferMemory > 0 ? o.maxBufferMemory : ProxyDefaults.maxBufferMemory();
    }

    /** The rate caps, when any is set (the usual line stays short without them). */
    private static String shapingSummary(FyntrCommand o) {
        if (o.maxRate == 0 && o.maxDownloadRate == 0 && o.maxConnectRate == 0) {
            return "";
        }
        return "; max rate " + Units.formatRate(o.maxRate) + ", max download rate "
                + Units.formatRate(o.maxDownloadRate) + ", max connect rate "
                + (o.maxConnectRate == 0 ? "off" : (o.maxConnectRate == Math.rint(o.maxConnectRate)
                        ? String.valueOf((long) o.maxConnectRate) : String.valueOf(o.maxConnectRate)) + "/s");
    }

    private static String join(Iterable<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int p : ports) {
            sb.append(sb.length() == 0 ? "" : ",").append(p);
        }
        return sb.toString();
    }

    static String hostPort(InetSocketAddress address) {
        return hostPort(address.getAddress(), address.getPort());
    }

    static String hostPort(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    /** Tells whether a value came from the command line or from its variable, for error messages. */
    static final class Sources {
        private final CommandLine commandLine;
        private final List<String> args;
        private final Map<String, String> env;

        Sources(CommandLine commandLine, String[] args, Map<String, String> env) {
            this.commandLine = commandLine;
            this.args = List.of(args);
            this.env = env;
        }

        String of(String optionName) {
            return of(commandLine.getCommandSpec().findOption(optionName));
        }

        /** {@code --port} when given as a flag, {@code FYNTR_PORT (--port)} when it came from the variable. */
        String of(OptionSpec option) {
            for (String arg : args) {
                if ("--".equals(arg)) {
                    break;
                }
                for (String name : option.names()) {
                    if (arg.equals(name) || arg.startsWith(name + "=")) {
                        return option.longestName();
                    }
                }
            }
            String variable = EnvironmentDefaults.variableName(option);
            String value = env.get(variable);
            return value == null || value.isBlank() ? option.longestName()
                    : variable + " (" + option.longestName() + ")";
        }
    }
}
