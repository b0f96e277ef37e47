package dev.fyntr.api.spi;

/**
 * The {@link java.util.ServiceLoader} entry point of a scheduler implementation.
 *
 * <p>Declare an implementation twice so that one jar works on both paths: {@code provides
 * dev.fyntr.api.spi.SchedulerProvider with …} in {@code module-info.java}, and the class name in
 * {@code META-INF/services/dev.fyntr.api.spi.SchedulerProvider}.
 *
 * <p><b>Contract:</b> a public no-argument constructor (or a public static {@code provider()} method on the
 * module path); the constructor is cheap and side-effect free, since every lookup instantiates every
 * provider. {@link #name()} is constant. {@link #create} may be called any number of times, from any thread,
 * and returns a new, independent scheduler each time (one per event loop).
 */
public interface SchedulerProvider {

    /**
     * The name users select the scheduler by ({@code --scheduler NAME}): lower case {@code [a-z0-9-]+},
     * unique among the providers visible to a lookup. {@code "drr"} is Fyntr's built-in one.
     */
    String name();

    /** One line for {@code --list-schedulers} and {@code --help}: what the scheduler does. */
    default String description() {
        return name();
    }

    /**
     * One line for the startup log: what the scheduler will do with this configuration, in its own terms (DRR:
     * {@code quantum auto, sparse-flow priority on}; a scheduler that ignores the quantum says nothing of it). The
     * default is {@link #description()}.
     *
     * <p>Called once per start or dry run, on the caller's thread. Must not throw; a transport that catches a throw
     * shows {@link #description()} instead.
     */
    default String description(SchedulerConfig config) {
        return description();
    }

    /**
     * Creates a scheduler for one event loop.
     *
     * @throws IllegalArgumentException if the config is not usable by this scheduler, with a message
     *                                  saying what is allowed
     */
    Scheduler create(SchedulerConfig config);
}
