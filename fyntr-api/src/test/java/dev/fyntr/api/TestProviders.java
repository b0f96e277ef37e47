package dev.fyntr.api;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;

/**
 * Scheduler providers that exist only for fyntr-api's lookup tests, listed in the test resources'
 * {@code META-INF/services} (so found on the class path only: a named module's providers need {@code provides}).
 * None creates a scheduler; the lookup never asks them to.
 */
final class TestProviders {

    private TestProviders() {
    }

    /** A provider with a fixed name and nothing else. */
    abstract static class Named implements SchedulerProvider {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Scheduler create(SchedulerConfig config) {
            throw new UnsupportedOperationException("test provider " + name + " creates no scheduler");
        }
    }

    /** "alpha". */
    public static final class Alpha extends Named {
        public Alpha() {
            super("alpha");
        }
    }

    /** "beta". */
    public static final class Beta extends Named {
        public Beta() {
            super("beta");
        }
    }

    /** One of two providers named "twin". */
    public static final class TwinOne extends Named {
        public TwinOne() {
            super("twin");
        }
    }

    /** The other provider named "twin". */
    public static final class TwinTwo extends Named {
        public TwinTwo() {
            super("twin");
        }
    }

    /** Fails to load: its constructor throws. */
    public static final class BrokenConstructor extends Named {
        public BrokenConstructor() {
            super("broken-constructor");
            throw new IllegalStateException("planted: this provider cannot be instantiated");
        }
    }

    /** Loads, but its name() throws. */
    public static final class BrokenName extends Named {
        public BrokenName() {
            super("broken-name");
        }

        @Override
        public String name() {
            throw new IllegalStateException("planted: name() fails");
        }
    }

    /** Loads, but has no name. */
    public static final class NullName extends Named {
        public NullName() {
            super(null);
        }
    }
}
