package dev.fyntr.bench.sim;

/** A scheduler whose credit can be observed from the outside, for the "largest deficit seen" column. */
public interface DeficitProbe {

    /** The largest credit, in bytes, that any flow held when it was served so far. */
    long maxDeficitBytes();
}
