package dev.fyntr.transport.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * Turns a CONNECT target's host name into addresses. Replace it with {@link FyntrProxyBuilder#resolver} to
 * use another resolver, or, in tests, to map names to loopback addresses without real DNS.
 *
 * <p><b>Contract:</b> called on a small resolver thread pool, never on the event loop, so it may block. The
 * proxy gives up after {@code resolveTimeout} and answers 502; a late answer is discarded. May be called
 * concurrently. Throwing (or returning an empty list) means "no address" and also gives 502. The proxy keeps
 * at most 32 distinct addresses, in the order returned. It is never called for IP literals.
 */
@FunctionalInterface
public interface Resolver {

    /**
     * @param host an ASCII, lower-case DNS name without trailing dot, as validated by the proxy
     * @return the host's addresses, possibly empty
     * @throws IOException when the name cannot be resolved
     */
    List<InetAddress> resolve(String host) throws IOException;

    /** The JDK's resolver ({@link InetAddress#getAllByName}), the default. */
    static Resolver system() {
        return SystemResolver.INSTANCE;
    }
}
