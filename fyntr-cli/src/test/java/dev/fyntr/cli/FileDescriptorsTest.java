package dev.fyntr.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDescriptorsTest {

    @Test
    void shouldNeedTwoDescriptorsPerConnectionPlusAMargin() {
        assertEquals(2064, FileDescriptors.needed(1000));
        assertNull(FileDescriptors.warning(2064, 1000));
        assertNull(FileDescriptors.warning(1_048_576, 1000));
    }

    @Test
    void shouldWarnNamingBothNumbersAndTheFixWhenTheLimitIsTooLow() {
        String warning = FileDescriptors.warning(1024, 1000);
        assertTrue(warning.contains("1024") && warning.contains("2064") && warning.contains("ulimit -n 2064")
                && warning.contains("lower --max-connections to 480"), warning);
    }

    @Test
    void shouldWarnWhenConnectionsAreUnlimited() {
        String warning = FileDescriptors.warning(4096, 0);
        assertTrue(warning.contains("unlimited") && warning.contains("4096") && warning.contains("2016"), warning);
    }

    @Test
    void shouldReadTheSoftLimitFromProcLimits() {
        List<String> lines = List.of(
                "Limit                     Soft Limit           Hard Limit           Units",
                "Max processes             95567                95567                processes",
                "Max open files            1024                 524288               files");
        assertEquals(OptionalLong.of(1024), FileDescriptors.parseLimits(lines));
        assertEquals(OptionalLong.empty(), FileDescriptors.parseLimits(List.of(
                "Max open files            unlimited            unlimited            files")));
    }
}
