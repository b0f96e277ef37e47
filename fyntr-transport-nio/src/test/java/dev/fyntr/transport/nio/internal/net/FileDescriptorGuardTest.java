package dev.fyntr.transport.nio.internal.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDescriptorGuardTest {

    @Test
    void shouldNeedTwoDescriptorsPerConnectionPlusHeadroom() {
        assertEquals(2064, FileDescriptorGuard.needed(1000));
    }

    @Test
    void shouldStayQuietWhenTheLimitIsEnough() {
        assertNull(FileDescriptorGuard.warning(1000, 2064));
        assertNull(FileDescriptorGuard.warning(1000, 1 << 20));
    }

    @Test
    void shouldNameBothNumbersAndTheFixWhenTheLimitIsTooLow() {
        String w = FileDescriptorGuard.warning(1000, 1024);
        assertTrue(w.contains("1024") && w.contains("2064"), w);
        assertTrue(w.contains("ulimit -n") && w.contains("--max-connections"), w);
        assertTrue(w.contains("480"), "suggests a max-connections that fits: " + w);
    }

    @Test
    void shouldWarnThatUnlimitedConnectionsAreBoundByTheDescriptorLimit() {
        String w = FileDescriptorGuard.warning(0, 1024);
        assertTrue(w.contains("unlimited") && w.contains("1024"), w);
    }

    @Test
    void shouldSkipTheCheckWhereTheLimitIsUnknown() {
        assertNull(FileDescriptorGuard.warning(1000, -1));
    }

    @Test
    void shouldReadTheSoftOpenFileLimitFromProcLimits() {
        String limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max processes             95304                95304                processes \n"
                + "Max open files            1048576              1048576              files     \n";
        assertEquals(1048576, LinuxLimits.parseMaxOpenFiles(limits));
        assertEquals(-1, LinuxLimits.parseMaxOpenFiles("Max open files            unlimited            unlimited            files\n"));
        assertEquals(0, LinuxLimits.parseMaxOpenFiles("nothing useful\n"));
    }
}
