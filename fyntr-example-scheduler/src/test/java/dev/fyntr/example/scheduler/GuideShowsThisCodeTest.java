package dev.fyntr.example.scheduler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/schedulers.md's plug-in guide is this module: each file it shows must be here exactly as shown, so that the
 * guide is code the build compiles and tests.
 */
class GuideShowsThisCodeTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "src/main/java/module-info.java",
        "src/main/resources/META-INF/services/dev.fyntr.api.spi.SchedulerProvider",
        "src/main/java/dev/fyntr/example/scheduler/RoundRobinSchedulerProvider.java",
        "src/main/java/dev/fyntr/example/scheduler/RoundRobinScheduler.java",
        "src/test/java/dev/fyntr/example/scheduler/RoundRobinSchedulerTest.java"})
    void shouldShowTheFileAsItIs(String file) throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "schedulers.md"));
        String code = Files.readString(Path.of(file)).strip();
        assertTrue(guide.contains(code), "docs/schedulers.md must show " + file + " exactly as it is:\n" + code);
    }
}
