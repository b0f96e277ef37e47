package dev.fyntr.transport.nio;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Socket writes that cannot hang a test. A blocking write only returns once the kernel took every byte, so a peer
 * that stops reading would block it forever; here a watchdog closes the socket when one write call has not
 * completed within its deadline, and the write fails with a {@link SocketTimeoutException} that says so.
 *
 * <p>The deadline is the socket's {@code SO_TIMEOUT} at the time of the write, the bound its reads already have
 * (a test that allows slow reads allows equally slow writes), or {@link #DEFAULT_MILLIS} if it has none.
 */
final class BoundedWrites {

    /** The deadline of a write on a socket without {@code SO_TIMEOUT}. */
    static final int DEFAULT_MILLIS = 20_000;

    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "test-write-watchdog");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true); // a write that completes leaves nothing behind in the queue
    }

    private BoundedWrites() {
    }

    /** The socket's output, with every write bounded as described above. */
    static OutputStream outputOf(Socket socket) throws IOException {
        return new Bounded(socket, socket.getOutputStream());
    }

    private static final class Bounded extends OutputStream {
        private final Socket socket;
        private final OutputStream out;

        Bounded(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            int timeout = socket.getSoTimeout();
            int millis = timeout > 0 ? timeout : DEFAULT_MILLIS;
            AtomicBoolean expired = new AtomicBoolean();
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                expired.set(true);
                try {
                    socket.close(); // unblocks the write below
                } catch (IOException ignored) {
                    // closing anyway
                }
            }, millis, TimeUnit.MILLISECONDS);
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                if (expired.get()) {
                    throw timedOut(len, millis, e);
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
            if (expired.get()) {
                throw timedOut(len, millis, null); // completed as the watchdog fired: the socket is closed now
            }
        }

        private SocketTimeoutException timedOut(int len, int millis, IOException cause) {
            SocketTimeoutException e = new SocketTimeoutException("a write of " + len + " bytes to "
                    + socket.getRemoteSocketAddress() + " did not complete within " + millis
                    + " ms (the peer stopped reading?); the socket was closed");
            if (cause != null) {
                e.initCause(cause);
            }
            return e;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
