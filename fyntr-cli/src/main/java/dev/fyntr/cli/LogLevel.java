package dev.fyntr.cli;

import java.util.Locale;

/** The levels of {@code --log-level}, as slf4j-simple names them. */
enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE;

    /** Whether failures should be reported with their stack trace. */
    boolean showsStackTraces() {
        return this == DEBUG || this == TRACE;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
