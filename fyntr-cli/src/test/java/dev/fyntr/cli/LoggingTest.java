package dev.fyntr.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoggingTest {

    private static final String ACCESS = "org.slf4j.simpleLogger.log.fyntr.access";

    @Test
    void shouldKeepTheAccessLogAtInfoWhateverTheLevel() {
        String was = System.clearProperty(ACCESS);
        try {
            Logging.configure(LogLevel.WARN, true);
            assertEquals("info", System.getProperty(ACCESS));
            assertEquals("warn", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
            System.clearProperty(ACCESS);
            Logging.configure(LogLevel.ERROR, false);
            assertEquals(null, System.getProperty(ACCESS), "off: the access logger follows --log-level");
        } finally {
            if (was != null) {
                System.setProperty(ACCESS, was);
            } else {
                System.clearProperty(ACCESS);
            }
            Logging.configure(LogLevel.INFO, true);
        }
    }
}
