package dev.fyntr.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

class UnknownSchedulerExceptionTest {

    @Test
    void shouldNameTheRequestAndListTheNamesFoundInTheirOrder() {
        UnknownSchedulerException e = new UnknownSchedulerException("fifo", new TreeSet<>(List.of("rr", "drr")));
        assertEquals("no scheduler named 'fifo'; available: drr, rr", e.getMessage());
        assertEquals("fifo", e.requested());
        assertEquals(Set.of("drr", "rr"), e.available());
    }

    @Test
    void shouldSayWhatIsMissingWhenNoSchedulerWasFound() {
        UnknownSchedulerException e = new UnknownSchedulerException("drr", Set.of());
        assertEquals("no scheduler named 'drr'; available: none (is fyntr-scheduler-drr on the class path or"
                + " module path?)", e.getMessage());
        assertEquals(Set.of(), e.available());
    }

    @Test
    void shouldKeepAnUnmodifiableCopyOfTheNames() {
        Set<String> names = new LinkedHashSet<>(List.of("drr"));
        UnknownSchedulerException e = new UnknownSchedulerException("x", names);
        names.add("rr");
        assertEquals(Set.of("drr"), e.available());
        assertThrows(UnsupportedOperationException.class, () -> e.available().add("rr"));
    }

    @Test
    void shouldBeAnIllegalArgument() {
        // Callers that validate user input catch IllegalArgumentException; an unknown name is one.
        assertInstanceOf(IllegalArgumentException.class, new UnknownSchedulerException("x", Set.of()));
    }
}
