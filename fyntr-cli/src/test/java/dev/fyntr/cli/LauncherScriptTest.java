package dev.fyntr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The repository's {@code ./fyntr} launcher, run on a copy of it whose Maven wrapper and Java are stubs that record
 * their arguments: it says that it builds and shows Maven's progress (it used to be silent for a minute), and it
 * passes the plug-in directory beside it to the command.
 */
class LauncherScriptTest {

    private static final Path LAUNCHER = Path.of(System.getProperty("fyntr.launcher", "../fyntr"));

    record Run(int status, String out, String err) {
    }

    private static Path executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A tree with the launcher, a stub wrapper that "builds" the jars, and a stub JDK. */
    private static Path tree(Path dir) throws IOException {
        Files.copy(LAUNCHER, dir.resolve("fyntr"));
        Files.setPosixFilePermissions(dir.resolve("fyntr"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        for (String module : List.of("fyntr-api", "fyntr-scheduler-drr", "fyntr-transport-nio", "fyntr-cli")) {
            Files.createDirectories(dir.resolve(module).resolve("src/main/java"));
        }
        executable(dir.resolve("mvnw"), "#!/bin/sh\n"
                + "echo \"$@\" > mvnw.args\n"
                + "echo '[INFO] Building Fyntr command (stub)'\n"
                + "mkdir -p fyntr-cli/target/lib && touch fyntr-cli/target/fyntr-cli.jar\n");
        Files.createDirectories(dir.resolve("jdk/bin"));
        executable(dir.resolve("jdk/bin/java"), "#!/bin/sh\necho \"java $*\"\n");
        return dir;
    }

    private static Run run(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", dir.resolve("fyntr").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(n -> n.startsWith("FYNTR_"));
        builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldSayThatItBuildsAndShowMavensProgressThenPassThePluginDirectory(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(LAUNCHER), "no launcher at " + LAUNCHER.toAbsolutePath());
        Path root = tree(dir).toRealPath();
        Run first = run(root, "--port", "1");
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().startsWith("fyntr: building the command first"), first.err());
        assertTrue(first.err().contains("about a minute"), first.err());
        assertTrue(first.err().contains("[INFO] Building Fyntr command (stub)"), "Maven's progress: " + first.err());
        String mvnArgs = Files.readString(root.resolve("mvnw.args"));
        assertFalse(List.of(mvnArgs.strip().split(" ")).contains("-q"), "Maven must not be quiet: " + mvnArgs);
        assertTrue(first.out().contains(" -Dfyntr.plugins.dir=" + root.resolve("plugins") + " -p "), first.out());
        assertTrue(first.out().strip().endsWith("-m dev.fyntr.cli --port 1"), first.out());

        Run second = run(root, "--dry-run");
        assertEquals("", second.err(), "built already: nothing to say");
        assertTrue(second.out().strip().endsWith("-m dev.fyntr.cli --dry-run"), second.out());
    }
}
