package dev.fyntr.api;

import java.util.Set;

/** No {@link dev.fyntr.api.spi.SchedulerProvider} has the requested name. The message lists what was found. */
public final class UnknownSchedulerException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String requested;
    private final transient Set<String> available;

    UnknownSchedulerException(String requested, Set<String> available) {
        super("no scheduler named '" + requested + "'; available: "
                + (available.isEmpty() ? "none (is fyntr-scheduler-drr on the class path or module path?)"
                                       : String.join(", ", available)));
        this.requested = requested;
        this.available = Set.copyOf(available);
    }

    /** The name that was asked for. */
    public String requested() {
        return requested;
    }

    /** The names that were found. */
    public Set<String> available() {
        return available;
    }
}
