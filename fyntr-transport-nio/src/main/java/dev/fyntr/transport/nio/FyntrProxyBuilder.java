package dev.fyntr.transport.nio;

import dev.fyntr.api.Schedulers;
import dev.fyntr.api.spi.QuantumTuner;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;
import dev.fyntr.transport.nio.internal.ProxyConfig;
import dev.fyntr.transport.nio.internal.StartupWarnings;
import dev.fyntr.transport.nio.internal.auth.UserTable;
import dev.fyntr.transport.nio.internal.net.HostNames;
import dev.fyntr.transport.nio.internal.net.LogSafe;
import dev.fyntr.transport.nio.internal.policy.Cidr;
import dev.fyntr.transport.nio.internal.policy.PolicyConfig;
import dev.fyntr.transport.nio.internal.shaping.ShapingConfig;
import dev.fyntr.transport.nio.internal.threat.ThreatGuard;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

import static dev.fyntr.transport.nio.Checks.check;
import static dev.fyntr.transport.nio.Checks.nonNegative;
import static dev.fyntr.transport.nio.Checks.parseCidrs;
import static dev.fyntr.transport.nio.Checks.positive;

/**
 * Configures and starts a {@link FyntrProxy}. Defaults are the constants of {@link ProxyDefaults}. Each setter checks its argument
 * at once and throws {@link IllegalArgumentException} naming the failed check ({@code "maxConnections < 0"}).
 * Not thread-safe; a builder can start any number of proxies.
 */
public final class FyntrProxyBuilder {

    private InetAddress bind = InetAddress.getLoopbackAddress();
    private int port = ProxyDefaults.PORT;
    private int maxConnections = ProxyDefaults.MAX_CONNECTIONS;
    private Duration idleTimeout = ProxyDefaults.IDLE_TIMEOUT;
    private Duration handshakeTimeout = ProxyDefaults.HANDSHAKE_TIMEOUT;
    private Duration connectTimeout = ProxyDefaults.CONNECT_TIMEOUT;
    private Duration resolveTimeout = ProxyDefaults.RESOLVE_TIMEOUT;
    private Duration shutdownGrace = ProxyDefaults.SHUTDOWN_GRACE;
    private String scheduler;
    private SchedulerProvider schedulerProvider;
    private int fixedQuantumBytes; // 0 = adaptive
    private boolean sparseFlowPriority = true;
    private final java.util.TreeMap<String, String> schedulerOptions = new java.util.TreeMap<>();
    private long maxRateBytesPerSecond;         // 0 = off
    private long maxDownloadRateBytesPerSecond; // 0 = off
    private double maxConnectsPerSecond;        // 0 = off
    private final TreeSet<Integer> allowPorts = new TreeSet<>();
    private boolean defaultAllowPort = true;
    private final List<Cidr> allowCidrs = new ArrayList<>();
    private final List<Cidr> denyCidrs = new ArrayList<>();
    private final List<String> allowDomains = new ArrayList<>();
    private Resolver resolver = Resolver.system();
    private int maxQueuedBytesPerFlow = ProxyDefaults.MAX_QUEUED_BYTES_PER_FLOW;
    private int listenBacklog = ProxyDefaults.LISTEN_BACKLOG;
    private long maxBufferMemory; // 0 = the default, decided at build()
    private int maxConnectionsPerClient = ProxyDefaults.MAX_CONNECTIONS_PER_CLIENT;
    private int maxNameLookups = ProxyDefaults.MAX_NAME_LOOKUPS;
    private int maxNameLookupsPerClient = ProxyDefaults.MAX_NAME_LOOKUPS_PER_CLIENT;
    private final List<Path> threatFeedFiles = new ArrayList<>();
    private ThreatAction threatAction = ThreatAction.WARN;
    private int socks5Port = -1;
    private InetAddress socks5Bind;
    private SniCheck sniCheck = ProxyDefaults.SNI_CHECK;
    private boolean plainHttp = ProxyDefaults.PLAIN_HTTP;
    private boolean jmx = true;
    private String jmxName;
    private boolean accessLog = true;
    private Path authFile;
    private List<String> credentials;

    FyntrProxyBuilder() {
    }

    /**
     * Listen address; default 127.0.0.1. A non-loopback address without {@link #authFile} is logged as a warning:
     * anyone who reaches it could use the proxy.
     */
    public FyntrProxyBuilder bind(InetAddress address) {
        this.bind = Objects.requireNonNull(address, "bind");
        return this;
    }

    /** Listen port, 0-65535; 0 lets the system choose (see {@link FyntrProxy#port()}). Default 9999. */
    public FyntrProxyBuilder port(int port) {
        check(port >= 0 && port <= 65535, "port must be 0-65535: " + port);
        this.port = port;
        return this;
    }

    /** Concurrent connections, handshakes included; 0 = unlimited. Default 1000. */
    public FyntrProxyBuilder maxConnections(int maxConnections) {
        check(maxConnections >= 0, "maxConnections < 0: " + maxConnections);
        this.maxConnections = maxConnections;
        return this;
    }

    /** Close a tunnel with no bytes either way for this long; {@link Duration#ZERO} = never. Default 300 s. */
    public FyntrProxyBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = nonNegative(timeout, "idleTimeout");
        return this;
    }

    /** The whole request head must arrive within this, counted from accept (else 408). Default 30 s. */
    public FyntrProxyBuilder handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = positive(timeout, "handshakeTimeout");
        return this;
    }

    /** Per upstream connect attempt; when every attempt times out the client gets 504. Default 3 s. */
    public FyntrProxyBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** How long name resolution may take before the client gets 502. Default 5 s. */
    public FyntrProxyBuilder resolveTimeout(Duration timeout) {
        this.resolveTimeout = positive(timeout, "resolveTimeout");
        return this;
    }

    /** How long {@link FyntrProxy#close()} lets open tunnels finish. Default 10 s. */
    public FyntrProxyBuilder shutdownGrace(Duration grace) {
        this.shutdownGrace = nonNegative(grace, "shutdownGrace");
        return this;
    }

    /**
     * The scheduler's provider name; {@code null} (the default) means the lookup of {@link Schedulers}:
     * system property {@value Schedulers#PROPERTY}, else {@value Schedulers#DEFAULT_NAME}. The name is
     * checked by {@link #start()}, which fails listing the names found.
     */
    public FyntrProxyBuilder scheduler(String name) {
        this.scheduler = name == null ? null : name.strip().toLowerCase(Locale.ROOT);
        return this;
    }

    /**
     * A scheduler provider given directly instead of found by name through {@code ServiceLoader}: for an
     * embedder whose scheduler is not packaged as a service. It wins over {@link #scheduler(String)}. Its calls
     * are guarded like any plug-in's: one that throws is replaced by the built-in DRR (docs/schedulers.md).
     */
    public FyntrProxyBuilder scheduler(SchedulerProvider provider) {
        this.schedulerProvider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /** A fixed quantum of this many bytes for every flow, instead of the adaptive one. */
    public FyntrProxyBuilder fixedQuantum(int bytes) {
        check(bytes >= 1 && bytes <= 1 << 20, "fixedQuantum must be 1-1048576 bytes: " + bytes);
        this.fixedQuantumBytes = bytes;
        return this;
    }

    /** The adaptive quantum of docs/schedulers.md#the-quantum-adaptive-tuner (the default). */
    public FyntrProxyBuilder adaptiveQuantum() {
        this.fixedQuantumBytes = 0;
        return this;
    }

    /** Sparse-flow priority (DRR++), on by default. */
    public FyntrProxyBuilder sparseFlowPriority(boolean on) {
        this.sparseFlowPriority = on;
        return this;
    }

    /**
     * A free-form option for the scheduler ({@link SchedulerConfig#options()}), e.g. {@code schedulerOption("weight",
     * "registry.example=4,port:22=8")} for {@code wdrr}. A scheduler reads the options it knows and ignores the rest;
     * {@link #build()} creates the scheduler once, so that one it refuses fails there, with its message.
     *
     * @throws IllegalArgumentException if the name is not lower case {@code [a-z0-9.-]+}
     */
    public FyntrProxyBuilder schedulerOption(String name, String value) {
        check(name != null && name.matches("[a-z0-9.-]+"),
                "schedulerOption name must be lower case [a-z0-9.-]+: " + name);
        schedulerOptions.put(name, Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Caps the total client→upstream rate (docs/shaping.md): a token bucket of burst max(64 KiB, 10 ms at the rate)
     * limits what the scheduler may hand out, so bursts are smoothed (queued, then paced), never dropped. Below
     * the cap the proxy stays work-conserving. 0 (the default) = unlimited. Changeable later with
     * {@link FyntrProxy#maxRate(long)}.
     *
     * @param bytesPerSecond 0, or 1 to 10¹¹ bytes per second (e.g. 10_000_000 for 80 Mbit/s)
     */
    public FyntrProxyBuilder maxRate(long bytesPerSecond) {
        this.maxRateBytesPerSecond = ShapingConfig.checkBytesPerSecond("maxRate", bytesPerSecond);
        return this;
    }

    /**
     * Caps the total upstream→client rate the same way, by pausing reads from upstream sockets (TCP flow control
     * then slows the senders). 0 (the default) = unlimited. Changeable later with
     * {@link FyntrProxy#maxDownloadRate(long)}.
     *
     * @param bytesPerSecond 0, or 1 to 10¹¹ bytes per second
     */
    public FyntrProxyBuilder maxDownloadRate(long bytesPerSecond) {
        this.maxDownloadRateBytesPerSecond = ShapingConfig.checkBytesPerSecond("maxDownloadRate", bytesPerSecond);
        return this;
    }

    /**
     * Paces new upstream connections: at most this many CONNECTs per second start dialling, with a burst of
     * min(5, rate); the others wait in arrival order, each until its handshake deadline (then 503 with
     * {@code Retry-After}). 0 (the default) = unlimited. Changeable later with
     * {@link FyntrProxy#maxConnectRate(double)}.
     *
     * @param connectsPerSecond 0, or 0.001 to 1,000,000
     */
    public FyntrProxyBuilder maxConnectRate(double connectsPerSecond) {
        this.maxConnectsPerSecond = ShapingConfig.checkConnectsPerSecond(connectsPerSecond);
        return this;
    }

    /** Extra CONNECT destination ports, 1-65535, added to those already given. */
    public FyntrProxyBuilder allowPorts(int... ports) {
        for (int p : ports) {
            check(p >= 1 && p <= 65535, "allowPorts: port must be 1-65535: " + p);
            allowPorts.add(p);
        }
        return this;
    }

    /** Whether 443 is allowed without being listed; default true. */
    public FyntrProxyBuilder defaultAllowPort(boolean allow) {
        this.defaultAllowPort = allow;
        return this;
    }

    /** Destination ranges allowed even when a default or {@link #denyCidrs} range denies them. */
    public FyntrProxyBuilder allowCidrs(String... cidrs) {
        allowCidrs.addAll(parseCidrs("allowCidrs", cidrs));
        return this;
    }

    /** Destination ranges denied in addition to the defaults (docs/policy-and-errors.md#denied-address-ranges). */
    public FyntrProxyBuilder denyCidrs(String... cidrs) {
        denyCidrs.addAll(parseCidrs("denyCidrs", cidrs));
        return this;
    }

    /**
     * Domains (each with its subdomains) whose denied addresses are dropped instead of failing the request,
     * so that their public addresses may be used. Each is read as every request's host is
     * (docs/policy-and-errors.md#host-names): {@code .Bücher.example.} is {@code xn--bcher-kva.example}; one
     * leading and one trailing dot are ignored, surrounding blanks too.
     */
    public FyntrProxyBuilder allowDomains(String... domains) {
        for (String d : domains) {
            String norm;
            try {
                norm = HostNames.canonicalDomain(d == null ? "" : d.strip());
            } catch (HostNames.InvalidHostNameException e) {
                throw new IllegalArgumentException("allowDomains: '" + d + "' is not a domain name"
                        + " (letters, digits, '-' and '.'): " + e.getMessage());
            }
            check(!HostNames.looksNumeric(norm), "allowDomains: '" + d + "' is not a domain name but looks like an"
                    + " address; use allowCidrs for addresses");
            allowDomains.add(norm);
        }
        return this;
    }

    /** Replaces the name resolver; tests use this to avoid real DNS. */
    public FyntrProxyBuilder resolver(Resolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        return this;
    }

    /** Bound of one flow's client→upstream queue; reading stops while it is full. Default 256 KiB. */
    public FyntrProxyBuilder maxQueuedBytesPerFlow(int bytes) {
        check(bytes >= 16 * 1024, "maxQueuedBytesPerFlow < 16384: " + bytes);
        this.maxQueuedBytesPerFlow = bytes;
        return this;
    }

    /**
     * The one memory budget for every buffer the proxy holds: upload queues, chunks held for slow clients,
     * handshake heads. It is never exceeded: per-flow queues shrink as tunnels multiply (never below one 16 KiB
     * chunk each), and when it is full reading pauses until bytes drain, with a share reserved for handshakes
     * and interactive flows. Default {@link ProxyDefaults#maxBufferMemory()}: half of the JVM's direct-memory
     * limit. It should stay below that limit, or the JVM may refuse buffers first (the proxy then sheds load).
     */
    public FyntrProxyBuilder maxBufferMemory(long bytes) {
        check(bytes >= ProxyDefaults.MIN_BUFFER_MEMORY, "maxBufferMemory < " + ProxyDefaults.MIN_BUFFER_MEMORY
                + " (1 MiB): " + bytes);
        this.maxBufferMemory = bytes;
        return this;
    }

    /** The most concurrent connections one client address may hold (then 503); 0 = unlimited, the default. */
    public FyntrProxyBuilder maxConnectionsPerClient(int max) {
        check(max >= 0, "maxConnectionsPerClient < 0: " + max);
        this.maxConnectionsPerClient = max;
        return this;
    }

    /**
     * Bounds on name resolution: distinct names resolved at once, and requests of one client address waiting for
     * names at once. Beyond either, the request gets 503 at once. Defaults 256 and 256.
     */
    public FyntrProxyBuilder maxNameLookups(int total, int perClient) {
        check(total >= 1, "maxNameLookups total < 1: " + total);
        check(perClient >= 1, "maxNameLookups perClient < 1: " + perClient);
        this.maxNameLookups = total;
        this.maxNameLookupsPerClient = perClient;
        return this;
    }

    /** The listen socket's accept backlog; default 1024 so that connection storms are not dropped. */
    public FyntrProxyBuilder listenBacklog(int backlog) {
        check(backlog >= 1, "listenBacklog < 1: " + backlog);
        this.listenBacklog = backlog;
        return this;
    }

    /**
     * Threat feeds (docs/threats-and-socks5.md#threat-feeds), added to those already given: text files of domains (each with its
     * subdomains), IPs, CIDR ranges, {@code ||domain^} rules and hosts-file lines; {@code #} and {@code !}
     * start comments. They are read by {@link #build()} and {@link #start()}, which fail with a
     * {@link ThreatFeedException} naming the file when one cannot be read, or when the files together hold no
     * usable entry.
     */
    public FyntrProxyBuilder threatFeedFiles(Path... files) {
        for (Path f : files) {
            threatFeedFiles.add(Objects.requireNonNull(f, "threatFeedFiles entry"));
        }
        return this;
    }

    /** What a threat-feed match does; default {@link ThreatAction#WARN}. {@code BLOCK} needs a feed. */
    public FyntrProxyBuilder threatAction(ThreatAction action) {
        this.threatAction = Objects.requireNonNull(action, "threatAction");
        return this;
    }

    /**
     * Turns on the SOCKS5 listener (docs/threats-and-socks5.md#socks5-listener) on this port, 0-65535; 0 lets the system choose (see
     * {@link FyntrProxy#socks5Address()}). Off by default.
     */
    public FyntrProxyBuilder socks5Port(int port) {
        check(port >= 0 && port <= 65535, "socks5Port must be 0-65535: " + port);
        this.socks5Port = port;
        return this;
    }

    /** The SOCKS5 listener's address; default: the {@link #bind} address. Needs {@link #socks5Port}. */
    public FyntrProxyBuilder socks5Bind(InetAddress address) {
        this.socks5Bind = Objects.requireNonNull(address, "socks5Bind");
        return this;
    }

    /**
     * What a tunnel does with the server name (SNI) of the TLS ClientHello its client sends first
     * (docs/threats-and-socks5.md#the-sni-check): {@link SniCheck#OFF} does not look, {@link SniCheck#WARN} (the
     * default) logs a name that differs from the CONNECT host, {@link SniCheck#ENFORCE} resets such a tunnel before
     * the ClientHello reaches the upstream. Except with {@code OFF}, the threat feeds also match the name.
     */
    public FyntrProxyBuilder sniCheck(SniCheck check) {
        this.sniCheck = Objects.requireNonNull(check, "sniCheck");
        return this;
    }

    /**
     * Whether plain-HTTP requests in absolute form ({@code GET http://example.com/ HTTP/1.1}, what clients send
     * through {@code HTTP_PROXY}) are forwarded (docs/plain-http.md); default true. They use port 80 and the
     * {@link #allowPorts allowed ports}, and the same address policy, threat feeds and limits as CONNECT. When
     * false, such a request is answered 405.
     */
    public FyntrProxyBuilder plainHttp(boolean on) {
        this.plainHttp = on;
        return this;
    }

    /**
     * Whether the proxy registers its MBean ({@link FyntrProxyMXBean}, {@code dev.fyntr:type=Proxy,name=…}) on the
     * platform MBean server while it runs; on by default (docs/operations.md#jmx).
     */
    public FyntrProxyBuilder jmx(boolean on) {
        this.jmx = on;
        return this;
    }

    /**
     * The MBean's {@code name} key; by default {@code fyntr-<port>}, with {@code -2}, {@code -3} … appended when
     * another proxy in the JVM has it. An explicit name that is taken makes {@link #start()} fail.
     *
     * @param name letters, digits, {@code .}, {@code _} and {@code -}, 1 to 64 of them
     */
    public FyntrProxyBuilder jmxName(String name) {
        Objects.requireNonNull(name, "jmxName");
        check(name.matches("[A-Za-z0-9._-]{1,64}"), "jmxName must be 1 to 64 letters, digits, '.', '_' or '-': "
                + LogSafe.quote(name, 80));
        this.jmxName = name;
        return this;
    }

    /**
     * Whether to write one line per tunnel, refusal and aborted handshake on the {@code fyntr.access} logger at
     * INFO (docs/operations.md#access-log); on by default ({@code --access-log}).
     */
    public FyntrProxyBuilder accessLog(boolean on) {
        this.accessLog = on;
        return this;
    }

    /**
     * Requires every client, on every listener, to authenticate with a user and password of this auth file
     * (docs/auth.md): HTTP {@code Proxy-Authorization: Basic}, SOCKS5 username/password (RFC 1929). One
     * {@code user:hash} line per user, made by {@link AuthFiles#line} or {@code fyntr passwd USER}. The file is
     * read by {@link #build()}, and again by {@link FyntrProxy#reload()}. Replaces {@link #credentials}.
     */
    public FyntrProxyBuilder authFile(Path file) {
        this.authFile = Objects.requireNonNull(file, "authFile");
        this.credentials = null;
        return this;
    }

    /**
     * As {@link #authFile}, with the file's lines given here ({@link AuthFiles#line}); {@link FyntrProxy#reload()}
     * keeps them. An empty list turns authentication off. Replaces {@link #authFile}.
     */
    public FyntrProxyBuilder credentials(List<String> lines) {
        this.credentials = lines.isEmpty() ? null : List.copyOf(lines);
        this.authFile = null;
        return this;
    }

    /**
     * Checks the whole configuration without binding anything: finds the scheduler, loads the threat feeds and
     * collects the {@linkplain ProxySettings#warnings() warnings}. A command's dry run and {@link #start()} share
     * this one check.
     *
     * @throws IllegalArgumentException if the scheduler name is unknown (an
     *                                  {@link dev.fyntr.api.UnknownSchedulerException} listing the names found),
     *                                  if the threat action is {@code BLOCK} without a feed, if a SOCKS5
     *                                  address is given without a SOCKS5 port, or if the scheduler refuses its
     *                                  configuration ({@code "scheduler wdrr refused its configuration: …"}, its
     *                                  own message as the cause; the scheduler is created once here to ask), or
     *                                  if the auth file or credentials cannot be used (the message names the
     *                                  file, the line and what is wrong)
     * @throws ThreatFeedException      if a threat feed cannot be read or the feeds hold no usable entry (the
     *                                  message names the file)
     */
    public ProxySettings build() throws ThreatFeedException {
        ProxyConfig config = config();
        SchedulerProvider provider = schedulerProvider != null ? schedulerProvider
                : Schedulers.provider(config.scheduler().name());
        SchedulerConfig schedulerConfig = config.scheduler().config();
        try {
            provider.create(schedulerConfig); // a configuration the scheduler refuses fails here, not in the loop
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scheduler " + provider.name() + " refused its configuration: "
                    + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            // Not a verdict on the configuration (SchedulerProvider.create's contract): start() reports it if it
            // happens again there.
        }
        String description;
        try {
            description = Objects.requireNonNull(provider.description(schedulerConfig), "description");
        } catch (RuntimeException | LinkageError e) {
            description = provider.name(); // a plug-in's description must not stop the start
        }
        UserTable users;
        try {
            users = authFile != null ? UserTable.load(authFile)
                    : credentials != null ? UserTable.parse(credentials, null) : null;
        } catch (UserTable.InvalidFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        ThreatGuard threats = ThreatGuard.load(config.threats().feedFiles(), config.threats().action());
        return new ProxySettings(config, provider, description, threats, users,
                StartupWarnings.of(config, users != null));
    }

    /**
     * {@link #build() Checks} the configuration, binds and starts the proxy.
     *
     * @throws IllegalArgumentException as {@link #build()}
     * @throws ThreatFeedException      as {@link #build()}
     * @throws java.net.BindException   if an address cannot be bound (e.g. the port is in use)
     * @throws IOException              if the sockets cannot be opened
     */
    public FyntrProxy start() throws IOException {
        return build().start();
    }

    ProxyConfig config() {
        check(threatAction != ThreatAction.BLOCK || !threatFeedFiles.isEmpty(),
                "threatAction BLOCK (--threat-action block) needs at least one threat feed (--threat-feed-file)");
        check(socks5Bind == null || socks5Port >= 0,
                "socks5Bind (--socks5-bind) is set but socks5Port (--socks5-port) is not; the SOCKS5 listener is off"
                        + " unless a port is given");
        SchedulerConfig schedulerConfig = new SchedulerConfig(SchedulerConfig.DEFAULT_QUANTUM_BYTES,
                fixedQuantumBytes == 0 ? Optional.empty() : Optional.of(QuantumTuner.fixed(fixedQuantumBytes)),
                sparseFlowPriority, schedulerOptions);
        TreeSet<Integer> ports = new TreeSet<>(allowPorts);
        if (defaultAllowPort) {
            ports.add(ProxyDefaults.DEFAULT_ALLOWED_PORT);
        }
        return new ProxyConfig(
                new ProxyConfig.Listen(bind, port, socks5Port, socks5Bind == null ? bind : socks5Bind, listenBacklog),
                new ProxyConfig.Timeouts(handshakeTimeout, resolveTimeout, connectTimeout, idleTimeout, shutdownGrace),
                new ProxyConfig.Limits(maxConnections, maxConnectionsPerClient, maxQueuedBytesPerFlow,
                        maxBufferMemory != 0 ? maxBufferMemory : ProxyDefaults.maxBufferMemory(), maxNameLookups,
                        maxNameLookupsPerClient),
                new ProxyConfig.SchedulerChoice(schedulerProvider != null ? schedulerProvider.name()
                        : Schedulers.resolveName(scheduler), schedulerConfig),
                new PolicyConfig(List.copyOf(ports), allowCidrs, denyCidrs, allowDomains),
                new ProxyConfig.Threats(threatFeedFiles, threatAction),
                new ShapingConfig(maxRateBytesPerSecond, maxDownloadRateBytesPerSecond, maxConnectsPerSecond),
                resolver, sniCheck, new ProxyConfig.Observability(jmx, jmxName, accessLog),
                new ProxyConfig.PlainHttp(plainHttp, plainPorts()));
    }

    /** Port 80 and the explicitly allowed ports: CONNECT's implicit 443 is not a plain-HTTP port. */
    private List<Integer> plainPorts() {
        TreeSet<Integer> ports = new TreeSet<>(allowPorts);
        ports.add(ProxyDefaults.DEFAULT_PLAIN_HTTP_PORT);
        return List.copyOf(ports);
    }
}
