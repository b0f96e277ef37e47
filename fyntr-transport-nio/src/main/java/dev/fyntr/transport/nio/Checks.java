package dev.fyntr.transport.nio;

import dev.fyntr.transport.nio.internal.policy.Cidr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The builder's argument checks: each throws {@link IllegalArgumentException} naming the failed check. */
final class Checks {

    private Checks() {
    }

    static List<Cidr> parseCidrs(String what, String... cidrs) {
        List<Cidr> out = new ArrayList<>();
        for (String c : cidrs) {
            try {
                out.add(Cidr.parse(c));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        check(!d.isNegative(), name + " < 0: " + d);
        return d;
    }

    static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        check(!d.isNegative() && !d.isZero(), name + " <= 0: " + d);
        return d;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
