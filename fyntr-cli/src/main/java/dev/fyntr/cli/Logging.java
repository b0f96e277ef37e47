package dev.fyntr.cli;

/**
 * Configures slf4j-simple, the command's logging backend, through its system properties. It must run before the
 * first {@code LoggerFactory.getLogger} call anywhere in the process, because slf4j-simple reads its properties
 * once, when the first logger is made; the command therefore keeps no static loggers and calls this right after
 * parsing. Properties the user already set with {@code -D} are kept, except the level, which {@code --log-level}
 * decides.
 */
final class Logging {

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    static final String TRANSPORT_STARTUP_LOGGER = "dev.fyntr.transport.nio.internal.ProxyServer";

    private Logging() {
    }

    static void configure(LogLevel level) {
        System.setProperty(PREFIX + "defaultLogLevel", level.toString());
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showLogName", "false");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("levelInBrackets", "false");
        setIfAbsent("logFile", "System.err");
        if (!level.showsStackTraces()) {
            // The transport logs its own short startup line from this class; the command logs the complete one
            // (with the version, which the transport cannot read on the module path), so one is enough. Its
            // warnings (non-loopback bind, open-files limit) still show. Its other INFO lines (the SOCKS5 listener,
            // the threat feeds) are hidden too: whoever adds those flags must log them here or lift this.
            setIfAbsent("log." + TRANSPORT_STARTUP_LOGGER, "warn");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
