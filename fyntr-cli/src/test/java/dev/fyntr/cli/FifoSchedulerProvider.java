package dev.fyntr.cli;

import dev.fyntr.api.spi.Scheduler;
import dev.fyntr.api.spi.SchedulerConfig;
import dev.fyntr.api.spi.SchedulerProvider;

/**
 * The second scheduler name of the in-process tests, {@value #NAME}, found by the real {@code ServiceLoader} lookup
 * through {@link TestSchedulers}. It exists so that a dry run can choose a scheduler other than the default and an
 * unknown name lists more than one; it creates no scheduler, so a real start with it fails.
 *
 * <p>Public with a public constructor, as {@code ServiceLoader} requires of a provider on the class path. It must
 * refer to public API only: {@link TestSchedulers} defines it in another class loader than the tests.
 */
public final class FifoSchedulerProvider implements SchedulerProvider {

    public static final String NAME = "fifo";

    public FifoSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Scheduler create(SchedulerConfig config) {
        throw new UnsupportedOperationException("the CLI tests' '" + NAME + "' scheduler is a name for dry runs only");
    }
}
