package dev.fyntr.cli;

import dev.fyntr.transport.nio.AuthFiles;
import dev.fyntr.transport.nio.ProxyDefaults;
import dev.fyntr.transport.nio.SniCheck;
import dev.fyntr.transport.nio.ThreatAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FyntrCliParsingTest {

    /** Every flag with a non-default value, as flags. */
    private static final String[] ALL_FLAGS = {
        "--bind", "::1", "--port", "8080", "--max-connections", "50",
        "--max-connections-per-client", "8", "--max-buffer-memory", "48MiB", "--max-name-lookups", "64",
        "--max-name-lookups-per-client", "16", "--idle-timeout", "5m",
        "--handshake-timeout", "10", "--connect-timeout", "500ms", "--shutdown-grace", "0",
        "--scheduler", "fifo", "--quantum", "4KiB", "--no-sparse-priority",
        "--allow-port", "8443,9443", "--allow-port", "22", "--no-default-allow-port",
        "--allow-cidr", "10.1.0.0/16,fd00::/8", "--deny-cidr", "203.0.113.0/24", "--allow-domain", "example.com",
        "--sni-check", "ENFORCE", "--plain-http", "OFF",
        "--max-rate", "20mbit", "--max-download-rate", "5MB", "--max-connect-rate", "50",
        "--threat-feed-file", "feeds/a.txt,b.txt", "--threat-action", "BLOCK",
        "--socks5-port", "1080", "--socks5-bind", "::1",
        "--metrics-port", "9100", "--metrics-bind", "::1", "--access-log", "OFF", "--jmx", "on",
        "--auth-file", "users.txt", "--require-auth",
        "--log-level", "DEBUG", "--dry-run", "--weight", "a.example=2", "--plugin-path", "plugins-a:plugins-b",
        "--list-schedulers"};

    /** The same settings, as variables. */
    private static final Map<String, String> ALL_VARIABLES = Map.ofEntries(
            Map.entry("FYNTR_BIND", "::1"), Map.entry("FYNTR_PORT", "8080"),
            Map.entry("FYNTR_MAX_CONNECTIONS", "50"), Map.entry("FYNTR_MAX_CONNECTIONS_PER_CLIENT", "8"),
            Map.entry("FYNTR_MAX_BUFFER_MEMORY", "48MiB"), Map.entry("FYNTR_MAX_NAME_LOOKUPS", "64"),
            Map.entry("FYNTR_MAX_NAME_LOOKUPS_PER_CLIENT", "16"), Map.entry("FYNTR_IDLE_TIMEOUT", "5m"),
            Map.entry("FYNTR_HANDSHAKE_TIMEOUT", "10"), Map.entry("FYNTR_CONNECT_TIMEOUT", "500ms"),
            Map.entry("FYNTR_SHUTDOWN_GRACE", "0"), Map.entry("FYNTR_SCHEDULER", "fifo"),
            Map.entry("FYNTR_QUANTUM", "4KiB"), Map.entry("FYNTR_NO_SPARSE_PRIORITY", "true"),
            Map.entry("FYNTR_ALLOW_PORT", "8443,9443,22"), Map.entry("FYNTR_NO_DEFAULT_ALLOW_PORT", "1"),
            Map.entry("FYNTR_ALLOW_CIDR", "10.1.0.0/16,fd00::/8"), Map.entry("FYNTR_DENY_CIDR", "203.0.113.0/24"),
            Map.entry("FYNTR_ALLOW_DOMAIN", "example.com"), Map.entry("FYNTR_SNI_CHECK", "enforce"),
            Map.entry("FYNTR_PLAIN_HTTP", "off"),
            Map.entry("FYNTR_MAX_RATE", "20mbit"),
            Map.entry("FYNTR_MAX_DOWNLOAD_RATE", "5MB"), Map.entry("FYNTR_MAX_CONNECT_RATE", "50"),
            Map.entry("FYNTR_THREAT_FEED_FILE", "feeds/a.txt,b.txt"), Map.entry("FYNTR_THREAT_ACTION", "block"),
            Map.entry("FYNTR_SOCKS5_PORT", "1080"), Map.entry("FYNTR_SOCKS5_BIND", "::1"),
            Map.entry("FYNTR_METRICS_PORT", "9100"), Map.entry("FYNTR_METRICS_BIND", "::1"),
            Map.entry("FYNTR_ACCESS_LOG", "off"), Map.entry("FYNTR_JMX", "ON"),
            Map.entry("FYNTR_LOG_LEVEL", "DEBUG"),
            Map.entry("FYNTR_AUTH_FILE", "users.txt"), Map.entry("FYNTR_REQUIRE_AUTH", "true"),
            Map.entry("FYNTR_DRY_RUN", "yes"), Map.entry("FYNTR_WEIGHT", "a.example=2"),
            Map.entry("FYNTR_PLUGIN_PATH", "plugins-a:plugins-b"), Map.entry("FYNTR_LIST_SCHEDULERS", "on"));

    private static FyntrCommand parse(Map<String, String> env, String... args) throws FyntrCli.UsageException {
        return FyntrCli.parse(args, env).options();
    }

    @Test
    void shouldUseTheSpecDefaultsWithNoFlagsAndNoVariables() throws Exception {
        FyntrCommand o = parse(Map.of());
        assertEquals("127.0.0.1", o.bind);
        assertEquals(9999, o.port);
        assertEquals(1000, o.maxConnections);
        assertEquals(0, o.maxConnectionsPerClient);
        assertEquals(0, o.maxBufferMemory, "0: the builder's default, which depends on the JVM");
        assertEquals(256, o.maxNameLookups);
        assertEquals(256, o.maxNameLookupsPerClient);
        assertEquals(Duration.ofSeconds(300), o.idleTimeout);
        assertEquals(Duration.ofSeconds(30), o.handshakeTimeout);
        assertEquals(Duration.ofSeconds(3), o.connectTimeout);
        assertEquals(Duration.ofSeconds(10), o.shutdownGrace);
        assertNull(o.scheduler);
        assertEquals(Quantum.AUTO, o.quantum);
        assertFalse(o.noSparsePriority);
        assertEquals(List.of(), o.allowPorts);
        assertFalse(o.noDefaultAllowPort);
        assertEquals(List.of(), o.allowCidrs);
        assertEquals(List.of(), o.denyCidrs);
        assertEquals(List.of(), o.allowDomains);
        assertEquals(SniCheck.WARN, o.sniCheck);
        assertEquals(Converters.Toggle.ON, o.plainHttp);
        assertEquals(0, o.maxRate);
        assertEquals(0, o.maxDownloadRate);
        assertEquals(0.0, o.maxConnectRate);
        assertEquals(List.of(), o.threatFeedFiles);
        assertEquals(ThreatAction.WARN, o.threatAction);
        assertEquals(-1, o.socks5Port);
        assertNull(o.socks5Bind);
        assertEquals(-1, o.metricsPort);
        assertEquals("127.0.0.1", o.metricsBind);
        assertEquals(Converters.Toggle.ON, o.accessLog);
        assertEquals(Converters.Toggle.OFF, o.jmx);
        assertEquals(LogLevel.INFO, o.logLevel);
        assertFalse(o.dryRun);
        assertNull(o.weight);
        assertNull(o.pluginPath);
        assertFalse(o.listSchedulers);
    }

    @Test
    void shouldParseEveryFlag() throws Exception {
        assertAllSet(parse(Map.of(), ALL_FLAGS));
    }

    @Test
    void shouldReadEveryFlagFromItsVariable() throws Exception {
        assertAllSet(parse(ALL_VARIABLES));
    }

    private static void assertAllSet(FyntrCommand o) {
        assertEquals("::1", o.bind);
        assertEquals(8080, o.port);
        assertEquals(50, o.maxConnections);
        assertEquals(8, o.maxConnectionsPerClient);
        assertEquals(48L << 20, o.maxBufferMemory);
        assertEquals(64, o.maxNameLookups);
        assertEquals(16, o.maxNameLookupsPerClient);
        assertEquals(Duration.ofMinutes(5), o.idleTimeout);
        assertEquals(Duration.ofSeconds(10), o.handshakeTimeout);
        assertEquals(Duration.ofMillis(500), o.connectTimeout);
        assertEquals(Duration.ZERO, o.shutdownGrace);
        assertEquals("fifo", o.scheduler);
        assertEquals("a.example=2", o.weight);
        assertEquals("plugins-a:plugins-b", o.pluginPath);
        assertTrue(o.listSchedulers);
        assertEquals(Quantum.fixed(4096), o.quantum);
        assertTrue(o.noSparsePriority);
        assertEquals(List.of(8443, 9443, 22), o.allowPorts);
        assertTrue(o.noDefaultAllowPort);
        assertEquals(List.of("10.1.0.0/16", "fd00::/8"), o.allowCidrs);
        assertEquals(List.of("203.0.113.0/24"), o.denyCidrs);
        assertEquals(List.of("example.com"), o.allowDomains);
        assertEquals(SniCheck.ENFORCE, o.sniCheck);
        assertEquals(Converters.Toggle.OFF, o.plainHttp);
        assertEquals(2_500_000, o.maxRate);
        assertEquals(5_000_000, o.maxDownloadRate);
        assertEquals(50.0, o.maxConnectRate);
        assertEquals(List.of(Path.of("feeds/a.txt"), Path.of("b.txt")), o.threatFeedFiles);
        assertEquals(ThreatAction.BLOCK, o.threatAction);
        assertEquals(1080, o.socks5Port);
        assertEquals("::1", o.socks5Bind);
        assertEquals(9100, o.metricsPort);
        assertEquals("::1", o.metricsBind);
        assertEquals(Converters.Toggle.OFF, o.accessLog);
        assertEquals(Converters.Toggle.ON, o.jmx);
        assertEquals(Path.of("users.txt"), o.authFile);
        assertTrue(o.requireAuth);
        assertEquals(LogLevel.DEBUG, o.logLevel);
        assertTrue(o.dryRun);
    }

    @Test
    void shouldCoverEveryOptionInTheseTests() throws Exception {
        Set<String> variables = new TreeSet<>();
        for (OptionSpec option : FyntrCli.parse(new String[0], Map.of()).commandLine().getCommandSpec().options()) {
            if (EnvironmentDefaults.hasVariable(option)) {
                variables.add(EnvironmentDefaults.variableName(option));
            }
        }
        // A new flag must be added to ALL_FLAGS/ALL_VARIABLES (and so to the tests above) to pass this.
        assertEquals(variables, new TreeSet<>(ALL_VARIABLES.keySet()));
    }

    @ParameterizedTest
    @CsvSource({
        "--port,FYNTR_PORT,7000,8000",
        "--bind,FYNTR_BIND,127.0.0.2,127.0.0.3",
        "--max-connections,FYNTR_MAX_CONNECTIONS,7,8",
        "--max-connections-per-client,FYNTR_MAX_CONNECTIONS_PER_CLIENT,7,0",
        "--max-buffer-memory,FYNTR_MAX_BUFFER_MEMORY,8MiB,2GB",
        "--max-name-lookups,FYNTR_MAX_NAME_LOOKUPS,7,8",
        "--max-name-lookups-per-client,FYNTR_MAX_NAME_LOOKUPS_PER_CLIENT,7,8",
        "--idle-timeout,FYNTR_IDLE_TIMEOUT,7s,8s",
        "--log-level,FYNTR_LOG_LEVEL,warn,error",
        "--allow-port,FYNTR_ALLOW_PORT,7000,8000",
        "--quantum,FYNTR_QUANTUM,1500,2000",
        "--max-rate,FYNTR_MAX_RATE,1mbit,2mbit",
        "--max-download-rate,FYNTR_MAX_DOWNLOAD_RATE,1MB,off",
        "--max-connect-rate,FYNTR_MAX_CONNECT_RATE,0.5,20",
        "--threat-feed-file,FYNTR_THREAT_FEED_FILE,a.txt,b.txt",
        "--threat-action,FYNTR_THREAT_ACTION,block,warn",
        "--sni-check,FYNTR_SNI_CHECK,off,enforce",
        "--plain-http,FYNTR_PLAIN_HTTP,off,on",
        "--socks5-port,FYNTR_SOCKS5_PORT,1080,0",
        "--socks5-bind,FYNTR_SOCKS5_BIND,127.0.0.2,127.0.0.3",
        "--metrics-port,FYNTR_METRICS_PORT,9100,0",
        "--metrics-bind,FYNTR_METRICS_BIND,127.0.0.2,127.0.0.3",
        "--access-log,FYNTR_ACCESS_LOG,off,on",
        "--jmx,FYNTR_JMX,on,off"})
    void shouldLetTheFlagWinOverTheVariable(String flag, String variable, String envValue, String flagValue)
            throws Exception {
        FyntrCommand fromEnv = parse(Map.of(variable, envValue));
        FyntrCommand fromBoth = parse(Map.of(variable, envValue), flag, flagValue);
        FyntrCommand fromFlag = parse(Map.of(), flag, flagValue);
        assertEquals(summaryOf(fromFlag), summaryOf(fromBoth));
        assertFalse(summaryOf(fromEnv).equals(summaryOf(fromBoth)), "the variable must have had an effect");
    }

    private static String summaryOf(FyntrCommand o) {
        InetSocketAddress socks5 = o.socks5Port < 0 ? null
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), o.socks5Port);
        return o.bind + " " + o.port + " " + o.logLevel + " " + o.threatAction + " " + o.socks5Bind + " "
                + o.quantum + " " + o.noSparsePriority + " " + o.weight + " " + o.pluginPath + " "
                + o.metricsPort + " " + o.metricsBind + " " + o.accessLog + " " + o.jmx + " "
                + FyntrCli.summary(o, "drr", "drr", socks5);
    }

    @Test
    void shouldIgnoreABadVariableWhenTheFlagIsGiven() throws Exception {
        assertEquals(8080, parse(Map.of("FYNTR_PORT", "not-a-port"), "--port", "8080").port);
        assertTrue(parse(Map.of("FYNTR_DRY_RUN", "maybe"), "--dry-run").dryRun);
    }

    @Test
    void shouldTreatAnEmptyVariableAsUnset() throws Exception {
        FyntrCommand o = parse(Map.of("FYNTR_PORT", "", "FYNTR_DRY_RUN", " "));
        assertEquals(9999, o.port);
        assertFalse(o.dryRun);
        assertNull(o.weight);
        assertNull(o.pluginPath);
        assertFalse(o.listSchedulers);
    }

    @Test
    void shouldReadSwitchVariablesInTheUsualSpellings() throws Exception {
        for (String on : List.of("1", "true", "TRUE", "yes", "on")) {
            assertTrue(parse(Map.of("FYNTR_NO_DEFAULT_ALLOW_PORT", on)).noDefaultAllowPort, on);
        }
        for (String off : List.of("0", "false", "no", "off")) {
            assertFalse(parse(Map.of("FYNTR_NO_DEFAULT_ALLOW_PORT", off)).noDefaultAllowPort, off);
        }
    }

    @Test
    void shouldCombineRepeatedAndCommaSeparatedListValues() throws Exception {
        FyntrCommand o = parse(Map.of(), "--allow-port", "8443", "--allow-port=9443,10443",
                "--allow-domain", "a.example,b.example", "--deny-cidr", "198.51.100.0/24",
                "--deny-cidr", "2001:db8::/32");
        assertEquals(List.of(8443, 9443, 10443), o.allowPorts);
        assertEquals(List.of("a.example", "b.example"), o.allowDomains);
        assertEquals(List.of("198.51.100.0/24", "2001:db8::/32"), o.denyCidrs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--port|65536|'65536' is too large: it must be at most 65535; accepted: a port number 0-65535",
        "--port|http|'http' is not a whole number; accepted: a port number 0-65535",
        "--port|-1|'-1' is too small: it must be at least 0",
        "--max-connections|-5|'-5' is too small: it must be at least 0; accepted: a whole number, 0 = unlimited",
        "--max-connections|99999999999|'99999999999' is too large: it must be at most 2147483647",
        "--max-connections-per-client|-1|'-1' is too small: it must be at least 0; accepted: a whole number, 0 = unlimited",
        "--max-connections-per-client|lots|'lots' is not a whole number",
        "--max-buffer-memory|512KiB|'512KiB' is less than 1 MiB (524288 B); accepted: a size of at least 1 MiB",
        "--max-buffer-memory|1MB|'1MB' is less than 1 MiB (1000000 B)",
        "--max-buffer-memory|0|'0' is less than 1 MiB (0 B)",
        "--max-buffer-memory|64Mb|'64Mb' has an ambiguous unit 'Mb': write 64MB for bytes; accepted: a size of at least 1 MiB",
        "--max-buffer-memory|lots|'lots' is not a size; accepted: a size of at least 1 MiB: bytes (1048576) or a number",
        "--max-buffer-memory|-64MiB|'-64MiB' is not a size",
        "--max-buffer-memory|64MiB/s|'64MiB/s' is not a size",
        "--max-name-lookups|0|'0' is too small: it must be at least 1; accepted: a whole number from 1",
        "--max-name-lookups|-3|'-3' is too small: it must be at least 1; accepted: a whole number from 1",
        "--max-name-lookups-per-client|0|'0' is too small: it must be at least 1; accepted: a whole number from 1",
        "--idle-timeout|forever|'forever' is not a duration; accepted: whole seconds (30) or a number with a unit",
        "--handshake-timeout|0|'0' must be more than 0; accepted: whole seconds",
        "--connect-timeout|0s|'0s' must be more than 0",
        "--shutdown-grace|-1|'-1' is not a duration",
        "--quantum|2MiB|'2MiB' is out of range; accepted: auto, or a size from 1 B to 1 MiB",
        "--quantum|0|'0' is out of range",
        "--quantum|lots|'lots' is not a quantum; accepted: auto",
        "--allow-port|0|'0' is too small: it must be at least 1; accepted: port numbers 1-65535, comma-separated",
        "--allow-port|443,x|'x' is not a whole number",
        "--allow-cidr|10.0.0.1/8|'10.0.0.1/8' has host bits set beyond /8; did you mean 10.0.0.0/8?",
        "--deny-cidr|example.com/8|is not a CIDR range",
        "--deny-cidr|10.0.0.0/33|'10.0.0.0/33' is not a CIDR range",
        "--allow-domain|bad_domain!|'bad_domain!' is not a domain name",
        "--log-level|verbose|'verbose' is not a log level; accepted: error, warn, info, debug, trace",
        "--max-rate|20Mb|'20Mb' has an ambiguous unit 'Mb': write 20MB for bytes or 20mbit for bits",
        "--max-rate|fast|'fast' is not a rate; accepted: bytes per second",
        "--max-rate|1000gbit|'1000gbit' is too large (at most 800gbit)",
        "--max-download-rate|0.5|'0.5' is less than 1 byte per second",
        "--max-connect-rate|lots|'lots' is not a connection rate; accepted: connections per second from 0.001",
        "--max-connect-rate|0.0001|'0.0001' is not a connection rate",
        "--max-connect-rate|2000000|'2000000' is out of range",
        "--threat-action|deny|'deny' is not a threat action; accepted: warn",
        "--threat-feed-file|\" \"|is empty; accepted: file paths, comma-separated",
        "--socks5-port|65536|'65536' is too large: it must be at most 65535; accepted: a port number 0-65535 (0 = any free port), or off",
        "--socks5-port|-1|'-1' is too small: it must be at least 0",
        "--socks5-port|socks|'socks' is not a whole number",
        "--metrics-port|65536|'65536' is too large: it must be at most 65535; accepted: a port number 0-65535 (0 = any free port), or off",
        "--metrics-port|on|'on' is not a whole number",
        "--access-log|yes|'yes' is not on or off; accepted: on|off",
        "--jmx|true|'true' is not on or off; accepted: on|off"})
    void shouldExitWithUsageNamingTheFlagTheValueAndTheForms(String flag, String value, String expected) {
        Cli.Result r = Cli.run(flag, value, "--dry-run");
        assertUsageError(r, "fyntr: invalid value for " + flag + ": ", expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "FYNTR_PORT|--port|70000|'70000' is too large: it must be at most 65535; accepted: a port number 0-65535",
        "FYNTR_IDLE_TIMEOUT|--idle-timeout|1 day|'1 day' is not a duration",
        "FYNTR_MAX_CONNECTIONS_PER_CLIENT|--max-connections-per-client|ten|'ten' is not a whole number",
        "FYNTR_MAX_BUFFER_MEMORY|--max-buffer-memory|100KB|'100KB' is less than 1 MiB (100000 B)",
        "FYNTR_MAX_BUFFER_MEMORY|--max-buffer-memory|32mb|'32mb' has an ambiguous unit 'mb'",
        "FYNTR_MAX_NAME_LOOKUPS|--max-name-lookups|0|'0' is too small: it must be at least 1; accepted: a whole number from 1",
        "FYNTR_MAX_NAME_LOOKUPS_PER_CLIENT|--max-name-lookups-per-client|x|'x' is not a whole number",
        "FYNTR_QUANTUM|--quantum|20Mb|'20Mb' is not a quantum",
        "FYNTR_ALLOW_PORT|--allow-port|443;8443|'443;8443' is not a whole number",
        "FYNTR_LOG_LEVEL|--log-level|loud|'loud' is not a log level",
        "FYNTR_MAX_RATE|--max-rate|20 mb|'20 mb' has an ambiguous unit",
        "FYNTR_MAX_CONNECT_RATE|--max-connect-rate|-1|'-1' is not a connection rate",
        "FYNTR_THREAT_ACTION|--threat-action|drop|'drop' is not a threat action",
        "FYNTR_SOCKS5_PORT|--socks5-port|1080x|'1080x' is not a whole number",
        "FYNTR_METRICS_PORT|--metrics-port|x|'x' is not a whole number",
        "FYNTR_METRICS_BIND|--metrics-bind|nowhere.invalid|'nowhere.invalid' is not an IP address and does not resolve",
        "FYNTR_ACCESS_LOG|--access-log|maybe|'maybe' is not on or off",
        "FYNTR_SOCKS5_BIND|--socks5-bind|nowhere.invalid|'nowhere.invalid' is not an IP address and does not resolve",
        "FYNTR_DRY_RUN|--dry-run|maybe|'maybe' is not a switch; accepted: true/false, 1/0, yes/no, on/off",
        "FYNTR_NO_SPARSE_PRIORITY|--no-sparse-priority|2|'2' is not a switch",
        "FYNTR_SCHEDULER|--scheduler|wfq|no scheduler named 'wfq'; available: drr, fifo",
        "FYNTR_BIND|--bind|nowhere.invalid|'nowhere.invalid' is not an IP address and does not resolve"})
    void shouldCheckVariablesWithTheSameMessagesNamingTheVariable(String variable, String flag, String value,
                                                                 String expected) {
        // A bad FYNTR_DRY_RUN fails before anything starts; for the others --dry-run keeps it that way.
        String[] args = variable.equals("FYNTR_DRY_RUN") ? new String[0] : new String[] {"--dry-run"};
        Cli.Result r = Cli.run(Map.of(variable, value), args);
        assertUsageError(r, "fyntr: invalid value for " + variable + " (" + flag + "): ", expected);
    }

    private static void assertUsageError(Cli.Result r, String prefix, String expected) {
        assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
        assertEquals(2, r.errLines().size(), r.err());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith(prefix), line);
        assertTrue(line.contains(expected), line);
        assertEquals(FyntrCli.USAGE_HINT, r.errLines().get(1));
        assertEquals("", r.out());
    }

    @Test
    void shouldExitWithUsageOnAnUnknownOptionOrArgument() {
        Cli.Result r = Cli.run("--prot", "80");
        assertEquals(FyntrCli.EXIT_USAGE, r.status());
        assertTrue(r.errLines().get(0).startsWith("fyntr: unknown option"), r.err());
        assertTrue(r.errLines().get(0).contains("'--prot'"), r.err());
        assertEquals(FyntrCli.USAGE_HINT, r.errLines().get(1));

        Cli.Result positional = Cli.run("8080");
        assertEquals(FyntrCli.EXIT_USAGE, positional.status());
        assertTrue(positional.errLines().get(0).contains("'8080'"), positional.err());
    }

    @Test
    void shouldExitWithUsageWhenAValueIsMissing() {
        Cli.Result r = Cli.run("--port");
        assertEquals(FyntrCli.EXIT_USAGE, r.status());
        assertTrue(r.errLines().get(0).startsWith("fyntr: missing required parameter for option '--port'"),
                r.err());
    }

    @Test
    void shouldPrintGroupedHelpOnStdoutAndExit0() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.status());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("A burst-smoothing HTTP CONNECT forward proxy"), r.out());
        int last = -1;
        for (List<String> group : FyntrCommand.GROUPS) {
            int at = r.out().indexOf("\n" + group.get(0) + ":\n");
            assertTrue(at > last, "section " + group.get(0) + " in order");
            last = at;
        }
        for (OptionSpec option : FyntrCli.commandLine(new FyntrCommand(), Map.of()).getCommandSpec().options()) {
            assertTrue(r.out().contains(option.longestName()), option.longestName());
            if (EnvironmentDefaults.hasVariable(option)) {
                assertTrue(r.out().contains("Env " + EnvironmentDefaults.variableName(option)),
                        "help names " + EnvironmentDefaults.variableName(option));
            }
        }
        assertEquals(0, Cli.run("-h").status());
    }

    @Test
    void shouldListEveryOptionInExactlyOneHelpSection() {
        List<String> grouped = FyntrCommand.GROUPS.stream().flatMap(g -> g.subList(1, g.size()).stream())
                .collect(Collectors.toList());
        Set<String> all = FyntrCli.commandLine(new FyntrCommand(), Map.of()).getCommandSpec().options().stream()
                .map(OptionSpec::longestName).collect(Collectors.toSet());
        assertEquals(grouped.size(), new TreeSet<>(grouped).size(), "no option twice");
        assertEquals(new TreeSet<>(all), new TreeSet<>(grouped));
    }

    @Test
    void shouldPrintTheVersionOnStdoutAndExit0() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.status());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("fyntr " + Version.get() + System.lineSeparator()), r.out());
        assertFalse(Version.get().isBlank());
        assertEquals(0, Cli.run("-V").status());
    }

    @Test
    void shouldPrintTheStartupSummaryOnADryRunWithoutListening() throws Exception {
        Cli.Result r = Cli.run("--dry-run", "--port", "0");
        assertEquals(0, r.status(), r.err());
        // Nothing, unless the open-file limit is too low for 1000 connections: the builder's check warns then.
        assertEquals(Cli.dryRunWarnings(Map.of(), "--dry-run", "--port", "0"), r.err());
        assertEquals("fyntr " + Version.get() + " would listen on 127.0.0.1:0 (scheduler drr (quantum auto, "
                + "sparse-flow priority on), max 1000 connections "
                + "(unlimited per client), buffer memory " + Units.formatMemory(ProxyDefaults.maxBufferMemory())
                + ", name lookups 256 (256 per client), idle timeout 300s, handshake timeout 30s, "
                + "connect timeout 3s, shutdown grace 10s; ports 443, allow-cidr none, deny-cidr built-in, "
                + "allow-domain none, sni-check warn, plain-http on); dry run, not listening" + System.lineSeparator(), r.out());
    }

    @Test
    void shouldShowEveryNonDefaultSettingInTheSummary(@TempDir Path dir) throws IOException {
        Map<String, String> env = new HashMap<>(ALL_VARIABLES);
        env.remove("FYNTR_BIND");
        env.remove("FYNTR_LIST_SCHEDULERS");
        env.remove("FYNTR_PLUGIN_PATH");
        Path feed = Files.writeString(dir.resolve("feed.txt"), "evil.example\n");
        env.put("FYNTR_THREAT_FEED_FILE", feed.toString());
        Path users = Files.writeString(dir.resolve("users"), AuthFiles.line("alice", "pw".toCharArray(),
                AuthFiles.MIN_ITERATIONS) + "\n");
        env.put("FYNTR_AUTH_FILE", users.toString());
        Cli.Result r = Cli.run(env);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("would listen on 127.0.0.1:8080 (scheduler fifo, max 50 connections "
                + "(8 per client), buffer memory 48 MiB, name lookups 64 (16 per client), idle timeout 300s, handshake timeout 10s, "
                + "connect timeout 500ms, shutdown grace 0s; ports 22,8443,9443, allow-cidr 10.1.0.0/16,fd00::/8, "
                + "deny-cidr built-in+203.0.113.0/24, allow-domain example.com, sni-check enforce, plain-http off; "
                + "max rate 2500000 B/s, "
                + "max download rate 5000000 B/s, max connect rate 50/s; threat feeds " + feed
                + " (action block); SOCKS5 on [0:0:0:0:0:0:0:1]:1080; metrics port 9100 on ::1; access log off; JMX on; auth file "
                + users + ")"), r.out());
    }

    @Test
    void shouldSayWhenNoPortIsAllowed() {
        Cli.Result r = Cli.run("--dry-run", "--no-default-allow-port");
        assertTrue(r.out().contains("; ports none,"), r.out());
    }

    @Test
    void shouldResolveAHostNameBindAtStartup() {
        Cli.Result r = Cli.run("--dry-run", "--bind", "localhost");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("would listen on 127.0.0.1:9999"), r.out());

        Cli.Result v6 = Cli.run("--dry-run", "--bind", "::1", "--port", "1");
        assertTrue(v6.out().contains("would listen on [0:0:0:0:0:0:0:1]:1"), v6.out());
    }

    @Test
    void shouldWarnThatANonLoopbackBindHasNoAuth() {
        Cli.Result r = Cli.run("--dry-run", "--bind", "0.0.0.0");
        assertEquals(0, r.status());
        assertTrue(r.err().startsWith("fyntr: warning: listening on 0.0.0.0, which is not a loopback address: "
                + "fyntr has no authentication"), r.err());
        Cli.Result named = Cli.run("--dry-run", "--bind", "proxy.internal.test");
        assertTrue(named.err().contains("listening on 192.0.2.10"), named.err());
    }

    @Test
    void shouldShowOnADryRunExactlyTheWarningsOfTheBuildersCheck() throws Exception {
        // Every warning there is: a non-loopback listener, a non-loopback SOCKS5 listener, and no connection limit
        // (the open-file limit is then the real one).
        String[] args = {"--dry-run", "--bind", "proxy.internal.test", "--socks5-port", "1080", "--socks5-bind",
            "0.0.0.0", "--max-connections", "0"};
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.status(), r.err());
        String expected = Cli.dryRunWarnings(Map.of(), args);
        assertEquals(expected, r.err(), "each warning once, in the check's order, and nothing else");
        assertTrue(r.errLines().get(0).startsWith("fyntr: warning: listening on 192.0.2.10, which is not a "
                + "loopback address"), r.err());
        assertTrue(r.errLines().get(1).startsWith("fyntr: warning: SOCKS5 listening on 0.0.0.0, which is not a "
                + "loopback address"), r.err());
        if (!System.getProperty("os.name").startsWith("Windows")) { // where the open-file limit can be read
            assertEquals(3, r.errLines().size(), r.err());
            assertTrue(r.errLines().get(2).startsWith("fyntr: warning: max connections is unlimited, so the "
                    + "open-file limit ("), r.err());
        }
        assertTrue(r.out().contains("would listen on 192.0.2.10:9999"), r.out());
    }

    @Test
    void shouldShowTheBuiltInDefaultsInTheHelpWhateverTheVariablesSay() {
        Cli.Result r = Cli.run(Map.of("FYNTR_PORT", "8080", "FYNTR_IDLE_TIMEOUT", "5m", "FYNTR_LOG_LEVEL", "warn"),
                "--help");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Env FYNTR_PORT, default " + ProxyDefaults.PORT + "."), r.out());
        assertTrue(r.out().contains("Env FYNTR_IDLE_TIMEOUT, default " + ProxyDefaults.IDLE_TIMEOUT_SECONDS + "."),
                r.out());
        assertTrue(r.out().contains("Env FYNTR_LOG_LEVEL, default info."), r.out());
        assertTrue(r.out().contains("Env FYNTR_BIND, default " + ProxyDefaults.BIND_TEXT + "."), r.out());
        assertTrue(r.out().contains("Listens on " + ProxyDefaults.BIND_TEXT + ":" + ProxyDefaults.PORT
                + " by default"), r.out());
        assertFalse(r.out().contains("${"), "every variable of the help is expanded: " + r.out());
    }

    @Test
    void shouldTakeEveryListedDefaultFromProxyDefaults() throws Exception {
        FyntrCommand o = parse(Map.of());
        assertEquals(ProxyDefaults.BIND_TEXT, o.bind);
        assertEquals(ProxyDefaults.PORT, o.port);
        assertEquals(ProxyDefaults.MAX_CONNECTIONS, o.maxConnections);
        assertEquals(ProxyDefaults.MAX_CONNECTIONS_PER_CLIENT, o.maxConnectionsPerClient);
        assertEquals(ProxyDefaults.MAX_NAME_LOOKUPS, o.maxNameLookups);
        assertEquals(ProxyDefaults.MAX_NAME_LOOKUPS_PER_CLIENT, o.maxNameLookupsPerClient);
        assertEquals(ProxyDefaults.maxBufferMemory(), FyntrCli.bufferMemory(o));
        assertEquals(ProxyDefaults.IDLE_TIMEOUT, o.idleTimeout);
        assertEquals(ProxyDefaults.HANDSHAKE_TIMEOUT, o.handshakeTimeout);
        assertEquals(ProxyDefaults.CONNECT_TIMEOUT, o.connectTimeout);
        assertEquals(ProxyDefaults.SHUTDOWN_GRACE, o.shutdownGrace);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "no-such-host.test|'no-such-host.test' is not an IP address and does not resolve",
        "127.0.0.1:8080|'127.0.0.1:8080' is not an address (the port goes in --port)",
        "[::1]:8080|'[::1]:8080' is not an address",
        "10.0.0.0/8|'10.0.0.0/8' is not an address",
        "\" \"|'' is empty"})
    void shouldExitWithUsageForABadBind(String bind, String expected) {
        Cli.Result r = Cli.run("--dry-run", "--bind", bind);
        assertUsageError(r, "fyntr: invalid value for --bind: ", expected);
        assertTrue(r.errLines().get(0).contains("accepted: an IP address or a host name, without a port"));
    }

    @Test
    void shouldListTheSchedulersFoundForAnUnknownName() {
        Cli.Result r = Cli.run("--dry-run", "--scheduler", "WFQ");
        assertUsageError(r, "fyntr: invalid value for --scheduler: ", "no scheduler named 'wfq'; available: drr, fifo, wdrr");
        assertEquals(0, Cli.run("--dry-run", "--scheduler", " FIFO ").status());
    }

    @Test
    void shouldReportAnUnknownSchedulerFromTheRealServiceLoaderLookup() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int status = FyntrCli.run(new String[] {"--dry-run", "--scheduler", "no-such-scheduler"}, Map.of(),
                new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertEquals(FyntrCli.EXIT_USAGE, status);
        assertTrue(err.toString().startsWith("fyntr: invalid value for --scheduler: no scheduler named "
                + "'no-such-scheduler'; available: "), err.toString());
    }
}
