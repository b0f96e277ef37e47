package dev.fyntr.cli;

import dev.fyntr.api.Schedulers;
import dev.fyntr.transport.nio.ProxyDefaults;
import dev.fyntr.transport.nio.SniCheck;
import dev.fyntr.transport.nio.ThreatAction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The flags of {@code fyntr}, as picocli fills them in. Only flags whose feature exists in the builder are here;
 * each later feature brings its own. Every flag has an environment variable {@code FYNTR_<NAME>} (see
 * {@link EnvironmentDefaults}). The built-in defaults of the proxy's settings are written once, in
 * {@link ProxyDefaults}: the {@code defaultValue}s below refer to its constants, and the help shows them with
 * picocli's {@code ${DEFAULT-VALUE}} (rendered without the variables, see {@link FyntrCli}). The fields are
 * package-private for the white-box tests; picocli sets them reflectively, hence the {@code opens} in module-info.
 */
@Command(name = "fyntr",
        mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "",
        header = "A burst-smoothing HTTP CONNECT forward proxy. It never terminates TLS.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = "fyntr [OPTIONS]",
        descriptionHeading = "%n",
        description = {
            "Listens on " + ProxyDefaults.BIND_TEXT + ":" + ProxyDefaults.PORT
                + " by default. Point clients at it with",
            "  export HTTPS_PROXY=http://" + ProxyDefaults.BIND_TEXT + ":" + ProxyDefaults.PORT,
            "Every option can also be set with its environment variable FYNTR_<NAME>",
            "(e.g. FYNTR_PORT=8080); an option on the command line wins over the variable.",
            "Durations are whole seconds (30) or take a unit: 500ms, 30s, 5m, 1h.",
            "Sizes take B, KB (1000), KiB (1024), MB, MiB, GB, GiB."},
        footerHeading = "%nExit status:%n",
        footer = {
            "  0  stopped normally (also --help, --version, --dry-run)",
            "  1  runtime failure, e.g. the port is already in use",
            "  2  bad usage: an unknown option or a bad value",
            "",
            "SIGINT/SIGTERM stop accepting and let open tunnels finish for --shutdown-grace,",
            "then exit 0; a second signal exits at once. SIGHUP re-reads --auth-file and the",
            "threat feeds (a bad file is not used; the log says why).",
            "",
            "fyntr passwd USER [--iterations N] reads a password from standard input and",
            "prints the line to add to --auth-file."})
final class FyntrCommand {

    static final String GROUP_LISTENER = "Listener";
    static final String GROUP_AUTH = "Authentication";
    static final String GROUP_LIMITS = "Limits and timeouts";
    static final String GROUP_SCHEDULING = "Scheduling";
    static final String GROUP_SHAPING = "Rate shaping";
    static final String GROUP_POLICY = "Destination policy";
    static final String GROUP_THREATS = "Threat feeds";
    static final String GROUP_SOCKS5 = "SOCKS5";
    static final String GROUP_METRICS = "Metrics and access log";
    static final String GROUP_OTHER = "Logging and other";

    /**
     * The default budget under the launcher's {@code -XX:+UseSerialGC -Xmx64m}, as the help states it: the JVM's
     * direct-memory limit is then {@code Runtime.maxMemory()}, 61.9 MiB (the heap less one survivor space), and
     * half of it 30.9 MiB. An end-to-end test checks it against the real command.
     */
    static final String DEFAULT_BUFFER_MEMORY_WITH_LAUNCHER = "31 MiB";

    // ---- Listener

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = ProxyDefaults.BIND_TEXT,
            description = {"Listen address: an IP or a host name (no port). A non-loopback address without "
                + "--auth-file logs a warning (an error with --require-auth).",
                "Env FYNTR_BIND, default ${DEFAULT-VALUE}."})
    String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ProxyDefaults.PORT,
            converter = Converters.ListenPort.class,
            description = {"Listen port; 0 = any free port (the chosen port is logged).",
                "Env FYNTR_PORT, default ${DEFAULT-VALUE}."})
    int port;

    // ---- Limits and timeouts

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ProxyDefaults.MAX_CONNECTIONS,
            converter = Converters.Count.class,
            description = {"Concurrent connections, handshakes included; 0 = unlimited.",
                "Env FYNTR_MAX_CONNECTIONS, default ${DEFAULT-VALUE}."})
    int maxConnections;

    @Option(names = "--max-connections-per-client", paramLabel = "N",
            defaultValue = "" + ProxyDefaults.MAX_CONNECTIONS_PER_CLIENT, converter = Converters.Count.class,
            description = {"Concurrent connections of one client address; beyond it that client gets 503 with the "
                + "reason. 0 = off (no per-client limit).",
                "Env FYNTR_MAX_CONNECTIONS_PER_CLIENT, default ${DEFAULT-VALUE}."})
    int maxConnectionsPerClient;

    @Option(names = "--max-buffer-memory", paramLabel = "SIZE", converter = Converters.BufferMemory.class,
            description = {"One memory budget for every buffer the proxy holds (upload queues, chunks held for slow "
                + "clients, handshake heads), never exceeded: per-tunnel queues shrink as tunnels multiply, down to "
                + "one 16 KiB chunk, and reads pause while it is full. At least 1 MiB, e.g. 64MiB.",
                "Env FYNTR_MAX_BUFFER_MEMORY, default half the JVM's direct-memory limit (MaxDirectMemorySize, else "
                + "the maximum heap): about " + DEFAULT_BUFFER_MEMORY_WITH_LAUNCHER + " with the launcher's flags; "
                + "--dry-run shows it."})
    long maxBufferMemory; // 0 = the builder's default, ProxyDefaults.maxBufferMemory()

    @Option(names = "--max-name-lookups", paramLabel = "N", defaultValue = "" + ProxyDefaults.MAX_NAME_LOOKUPS,
            converter = Converters.PositiveCount.class,
            description = {"Distinct host names being resolved at once; a CONNECT that needs one more gets 503.",
                "Env FYNTR_MAX_NAME_LOOKUPS, default ${DEFAULT-VALUE}."})
    int maxNameLookups;

    @Option(names = "--max-name-lookups-per-client", paramLabel = "N",
            defaultValue = "" + ProxyDefaults.MAX_NAME_LOOKUPS_PER_CLIENT, converter = Converters.PositiveCount.class,
            description = {"Requests of one client address waiting for a name at once; beyond it that client gets "
                + "503.",
                "Env FYNTR_MAX_NAME_LOOKUPS_PER_CLIENT, default ${DEFAULT-VALUE}."})
    int maxNameLookupsPerClient;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "" + ProxyDefaults.IDLE_TIMEOUT_SECONDS,
            converter = Converters.NonNegativeDuration.class,
            description = {"Close a tunnel with no bytes either way for this long; 0 = never.",
                "Env FYNTR_IDLE_TIMEOUT, default ${DEFAULT-VALUE}."})
    Duration idleTimeout;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS",
            defaultValue = "" + ProxyDefaults.HANDSHAKE_TIMEOUT_SECONDS, converter = Converters.PositiveDuration.class,
            description = {"The whole CONNECT request head must arrive within this (else 408).",
                "Env FYNTR_HANDSHAKE_TIMEOUT, default ${DEFAULT-VALUE}."})
    Duration handshakeTimeout;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS",
            defaultValue = "" + ProxyDefaults.CONNECT_TIMEOUT_SECONDS, converter = Converters.PositiveDuration.class,
            description = {"Per upstream connect attempt; all attempts timed out = 504.",
                "Env FYNTR_CONNECT_TIMEOUT, default ${DEFAULT-VALUE}."})
    Duration connectTimeout;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS",
            defaultValue = "" + ProxyDefaults.SHUTDOWN_GRACE_SECONDS, converter = Converters.NonNegativeDuration.class,
            description = {"On SIGINT/SIGTERM, how long open tunnels may finish.",
                "Env FYNTR_SHUTDOWN_GRACE, default ${DEFAULT-VALUE}."})
    Duration shutdownGrace;

    // ---- Scheduling

    @Option(names = "--scheduler", paramLabel = "NAME",
            description = {"Scheduler, by provider name (found with ServiceLoader): drr, wdrr, or a plug-in's; "
                + "--list-schedulers shows them.",
                "Env FYNTR_SCHEDULER, default " + Schedulers.DEFAULT_NAME + " (or -D" + Schedulers.PROPERTY + ")."})
    String scheduler;

    @Option(names = "--weight", paramLabel = "RULES",
            description = {"wdrr's weights: PATTERN=WEIGHT,... where PATTERN is a host, *.DOMAIN, port:N or *, and "
                + "WEIGHT 0.01-100 scales that flow's quantum; the first matching rule counts, others get 1 "
                + "(e.g. 'registry.example=4,*.internal=0.5,port:22=8').",
                "Env FYNTR_WEIGHT, default none."})
    String weight;

    @Option(names = "--plugin-path", paramLabel = "PATH[:PATH...]",
            description = {"Scheduler plug-ins: jars, or directories of jars, separated by ':' (';' on Windows); "
                + "loaded as modules (or from the class path with the fat jar), besides the plugins/ directory "
                + "of the installation.",
                "Env FYNTR_PLUGIN_PATH, default none."})
    String pluginPath;

    @Option(names = "--list-schedulers",
            description = {"Print every scheduler found (built in, plug-ins) with its description and where it "
                + "came from, then exit 0.",
                "Env FYNTR_LIST_SCHEDULERS (true/false), default off."})
    boolean listSchedulers;

    @Option(names = "--quantum", paramLabel = "auto|BYTES", defaultValue = "auto",
            converter = Converters.QuantumConverter.class,
            description = {"DRR quantum: adaptive, or a fixed size from 1 B to 1 MiB (e.g. 8KiB).",
                "Env FYNTR_QUANTUM, default ${DEFAULT-VALUE}."})
    Quantum quantum;

    @Option(names = "--no-sparse-priority",
            description = {"Switch off sparse-flow priority (DRR++): a flow that wakes up then waits for its turn in the "
                + "round like the bulk flows.",
                "Env FYNTR_NO_SPARSE_PRIORITY (true/false), default off."})
    boolean noSparsePriority;

    // ---- Rate shaping

    @Option(names = "--max-rate", paramLabel = "RATE", defaultValue = "off", converter = Converters.OptionalRate.class,
            description = {"Cap on the total client-to-upstream rate, per second (e.g. 20mbit, 5MB); bursts above it "
                + "are queued and paced, never dropped. off = no cap.",
                "Env FYNTR_MAX_RATE, default ${DEFAULT-VALUE}."})
    long maxRate;

    @Option(names = "--max-download-rate", paramLabel = "RATE", defaultValue = "off",
            converter = Converters.OptionalRate.class,
            description = {"The same cap on upstream-to-client bytes, applied by pausing reads from upstream.",
                "Env FYNTR_MAX_DOWNLOAD_RATE, default ${DEFAULT-VALUE}."})
    long maxDownloadRate;

    @Option(names = "--max-connect-rate", paramLabel = "N", defaultValue = "off",
            converter = Converters.ConnectRate.class,
            description = {"New upstream connections per second (e.g. 50 or 0.5); extra CONNECTs wait in order, up to "
                + "the handshake timeout. off = no cap.",
                "Env FYNTR_MAX_CONNECT_RATE, default ${DEFAULT-VALUE}."})
    double maxConnectRate;

    // ---- Destination policy

    @Option(names = "--allow-port", paramLabel = "P", split = ",",
            converter = Converters.DestinationPort.class,
            description = {"Extra CONNECT destination ports (1-65535); repeatable.",
                "Env FYNTR_ALLOW_PORT (comma list), default none (" + ProxyDefaults.DEFAULT_ALLOWED_PORT + " only)."})
    List<Integer> allowPorts = new ArrayList<>();

    @Option(names = "--no-default-allow-port",
            description = {"Do not allow port " + ProxyDefaults.DEFAULT_ALLOWED_PORT + " implicitly.",
                "Env FYNTR_NO_DEFAULT_ALLOW_PORT (true/false), default off."})
    boolean noDefaultAllowPort;

    @Option(names = "--allow-cidr", paramLabel = "C", split = ",", converter = Converters.CidrRange.class,
            description = {"Destination ranges allowed even if a built-in or --deny-cidr range denies them "
                + "(e.g. 10.1.0.0/16); repeatable.",
                "Env FYNTR_ALLOW_CIDR (comma list), default none."})
    List<String> allowCidrs = new ArrayList<>();

    @Option(names = "--deny-cidr", paramLabel = "C", split = ",", converter = Converters.CidrRange.class,
            description = {"Destination ranges denied on top of the built-in private, loopback and link-local ranges; "
                + "repeatable.",
                "Env FYNTR_DENY_CIDR (comma list), default none."})
    List<String> denyCidrs = new ArrayList<>();

    @Option(names = "--allow-domain", paramLabel = "D", split = ",", converter = Converters.DomainName.class,
            description = {"Domains (and subdomains) whose public addresses may be used even when some of their answers "
                + "are denied; repeatable.",
                "Env FYNTR_ALLOW_DOMAIN (comma list), default none."})
    List<String> allowDomains = new ArrayList<>();

    @Option(names = "--sni-check", paramLabel = "off|warn|enforce", defaultValue = ProxyDefaults.SNI_CHECK_TEXT,
            converter = Converters.SniCheckConverter.class,
            description = {"Compare the server name in the TLS ClientHello a client sends first with the CONNECT host "
                + "(read without decrypting anything): warn logs a different name, or any name sent to an IP "
                + "address; enforce also resets that tunnel before the ClientHello reaches the server; off does not "
                + "look. Threat feeds also match the name unless off.",
                "Env FYNTR_SNI_CHECK, default ${DEFAULT-VALUE}."})
    SniCheck sniCheck;

    @Option(names = "--plain-http", paramLabel = "on|off", defaultValue = ProxyDefaults.PLAIN_HTTP_TEXT,
            converter = Converters.OnOff.class,
            description = {"Forward plain-HTTP requests (GET http://host/path, what clients send through HTTP_PROXY) "
                + "with the same policy, feeds and limits as CONNECT, to port 80 and the --allow-port ports; "
                + "off answers them 405.",
                "Env FYNTR_PLAIN_HTTP, default ${DEFAULT-VALUE}."})
    Converters.Toggle plainHttp; // on|off rather than a boolean, which would make it a switch

    // ---- Authentication

    @Option(names = "--auth-file", paramLabel = "F", converter = Converters.AuthFile.class,
            description = {"Require clients to authenticate with a user and password of this file: one user:hash "
                + "line each, made by 'fyntr passwd USER' (HTTP Proxy-Authorization: Basic, SOCKS5 username/password)."
                + " Re-read on SIGHUP.",
                "Env FYNTR_AUTH_FILE, default none."})
    Path authFile;

    @Option(names = "--require-auth",
            description = {"Refuse to start when a listener is on a non-loopback address without --auth-file "
                + "(instead of the warning).",
                "Env FYNTR_REQUIRE_AUTH (true/false), default off."})
    boolean requireAuth;

    // ---- Threat feeds

    @Option(names = "--threat-feed-file", paramLabel = "F", split = ",", converter = Converters.FeedFile.class,
            description = {"Block-list files: one domain (with its subdomains), IP, CIDR or ||domain^ per line; "
                + "# and ! start comments. Read at startup; an unreadable file or no usable entry fails the start. "
                + "Repeatable.",
                "Env FYNTR_THREAT_FEED_FILE (comma list), default none."})
    List<Path> threatFeedFiles = new ArrayList<>();

    @Option(names = "--threat-action", paramLabel = "warn|block", defaultValue = "warn",
            converter = Converters.ThreatActionConverter.class,
            description = {"On a feed match: warn logs it and lets the request go on; block also refuses it (403, "
                + "or SOCKS5 reply 0x02). block needs a --threat-feed-file.",
                "Env FYNTR_THREAT_ACTION, default ${DEFAULT-VALUE}."})
    ThreatAction threatAction;

    // ---- SOCKS5

    @Option(names = "--socks5-port", paramLabel = "N", defaultValue = "off", converter = Converters.Socks5Port.class,
            description = {"Also listen for SOCKS5 (CONNECT only; username/password with --auth-file) on this port, with the same policy, feeds "
                + "and limits; 0 = any free port (the chosen port is logged). off = no SOCKS5 listener.",
                "Env FYNTR_SOCKS5_PORT, default ${DEFAULT-VALUE}."})
    int socks5Port; // -1 = off, as the builder's default

    @Option(names = "--socks5-bind", paramLabel = "ADDR",
            description = {"The SOCKS5 listen address (needs --socks5-port).",
                "Env FYNTR_SOCKS5_BIND, default: the --bind address."})
    String socks5Bind; // null = the --bind address

    // ---- Metrics and access log

    @Option(names = "--metrics-port", paramLabel = "N", defaultValue = "off", converter = Converters.MetricsPort.class,
            description = {"Serve Prometheus metrics at http://<metrics-bind>:N/metrics and a health check at /healthz "
                + "(200 while accepting, 503 when stopping); 0 = any free port (the chosen port is logged). off = no "
                + "metrics server.",
                "Env FYNTR_METRICS_PORT, default ${DEFAULT-VALUE}."})
    int metricsPort; // -1 = off

    @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = {"The metrics server's listen address (needs --metrics-port).",
                "Env FYNTR_METRICS_BIND, default ${DEFAULT-VALUE}."})
    String metricsBind;

    @Option(names = "--access-log", paramLabel = "on|off", defaultValue = "on",
            converter = Converters.OnOff.class,
            description = {"One line per tunnel, refusal and aborted request on the log fyntr.access at info, whatever "
                + "--log-level says (docs/operations.md).",
                "Env FYNTR_ACCESS_LOG, default ${DEFAULT-VALUE}."})
    Converters.Toggle accessLog;

    @Option(names = "--jmx", paramLabel = "on|off", defaultValue = "off", converter = Converters.OnOff.class,
            description = {"Register the MBean dev.fyntr:type=Proxy,name=fyntr-<port> (jconsole, JMX exporters). Off by "
                + "default in the command: the platform MBean server costs about 3 MiB of idle memory.",
                "Env FYNTR_JMX, default ${DEFAULT-VALUE}."})
    Converters.Toggle jmx;

    // ---- Logging and other

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", converter = Converters.Level.class,
            description = {"error, warn, info, debug or trace. debug also shows stack traces.",
                "Env FYNTR_LOG_LEVEL, default ${DEFAULT-VALUE}."})
    LogLevel logLevel;

    @Option(names = "--dry-run",
            description = {"Check the configuration as a start does (scheduler, threat feeds, warnings), print the "
                + "startup line and exit 0 without listening.",
                "Env FYNTR_DRY_RUN (true/false), default off."})
    boolean dryRun;

    /** The help sections, in order, with the long names of the options each one lists. */
    static final List<List<String>> GROUPS = List.of(
            List.of(GROUP_LISTENER, "--bind", "--port"),
            List.of(GROUP_AUTH, "--auth-file", "--require-auth"),
            List.of(GROUP_LIMITS, "--max-connections", "--max-connections-per-client", "--max-buffer-memory",
                    "--max-name-lookups", "--max-name-lookups-per-client", "--idle-timeout", "--handshake-timeout",
                    "--connect-timeout", "--shutdown-grace"),
            List.of(GROUP_SCHEDULING, "--scheduler", "--quantum", "--no-sparse-priority", "--weight", "--plugin-path",
                    "--list-schedulers"),
            List.of(GROUP_SHAPING, "--max-rate", "--max-download-rate", "--max-connect-rate"),
            List.of(GROUP_POLICY, "--allow-port", "--no-default-allow-port", "--allow-cidr", "--deny-cidr",
                    "--allow-domain", "--sni-check", "--plain-http"),
            List.of(GROUP_THREATS, "--threat-feed-file", "--threat-action"),
            List.of(GROUP_SOCKS5, "--socks5-port", "--socks5-bind"),
            List.of(GROUP_METRICS, "--metrics-port", "--metrics-bind", "--access-log", "--jmx"),
            List.of(GROUP_OTHER, "--log-level", "--dry-run", "--help", "--version"));
}
