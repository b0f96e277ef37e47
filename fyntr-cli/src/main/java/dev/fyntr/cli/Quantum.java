package dev.fyntr.cli;

/**
 * The {@code --quantum} setting: adaptive, or a fixed number of bytes.
 *
 * @param fixedBytes the fixed quantum, or 0 for adaptive
 */
record Quantum(int fixedBytes) {

    static final int MAX_BYTES = 1 << 20;
    static final Quantum AUTO = new Quantum(0);

    static Quantum fixed(int bytes) {
        return new Quantum(bytes);
    }

    boolean isAuto() {
        return fixedBytes == 0;
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Units.formatBytes(fixedBytes);
    }
}
