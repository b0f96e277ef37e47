package dev.fyntr.transport.nio;

import java.io.IOException;

/**
 * A threat feed could not be used: a file cannot be read, or the files together hold no usable entry. The
 * message names the file and what failed, in words fit for a user ({@code cannot read threat feed file
 * feeds/bad.txt: no such file}).
 */
public final class ThreatFeedException extends IOException {

    private static final long serialVersionUID = 1L;

    public ThreatFeedException(String message, Throwable cause) {
        super(message, cause);
    }
}
