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

    private Logging() {
    }

    /** @param accessLog whether {@code --access-log} is on: its logger then writes at INFO whatever the level */
    static void configure(LogLevel level, boolean accessLog) {
        System.setProperty(PREFIX + "defaultLogLevel", level.toString());
        if (accessLog) {
            setIfAbsent("log.fyntr.access", "info");
        }
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showLogName", "false");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("levelInBrackets", "false");
        setIfAbsent("logFile", "System.err");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
