package dev.fyntr.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkout's {@code ./fyntr} launcher, in a copy of the checkout's shape: through a symlink on the PATH (it used to
 * fail with {@code ./mvnw: No such file or directory}), and its first-run build, which says what it does and shows
 * Maven's output (a stand-in {@code mvnw} here, so that the test builds nothing).
 */
class LauncherTest {

    @TempDir
    Path dir;

    private Path checkout() throws Exception {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(Build.ROOT.resolve("fyntr"), root.resolve("fyntr"), StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(root.resolve("fyntr-cli/target"));
        Files.createSymbolicLink(target.resolve("lib"), Build.ROOT.resolve("fyntr-cli/target/lib"));
        // The stand-in build prints a line as Maven would and puts the real jar in place.
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\necho \"[INFO] stand-in maven: $*\"\ncp \""
                + Build.ROOT.resolve("fyntr-cli/target/fyntr-cli.jar") + "\" fyntr-cli/target/fyntr-cli.jar\n");
        assertTrue(mvnw.toFile().setExecutable(true));
        return root;
    }

    @Test
    void shouldBuildOnFirstUseSayingSoAndRunThroughASymlink() throws Exception {
        Path root = checkout();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("fyntr"), root.resolve("fyntr"));
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("JAVA_HOME", Build.JAVA_HOME.toString());
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        Build.Result first = Build.run(elsewhere, env, 120, List.of("sh", "-c", "fyntr --version"));
        assertEquals(0, first.status(), first.output());
        assertTrue(first.output().contains("fyntr: building the command first"), first.output());
        assertTrue(first.output().contains("[INFO] stand-in maven: -B -pl fyntr-cli -am package -DskipTests"),
                "Maven's own output is shown: " + first.output());
        assertTrue(first.output().contains("fyntr " + Build.VERSION), first.output());

        Build.Result second = Build.run(elsewhere, env, 120, List.of("sh", "-c", "fyntr --version"));
        assertEquals(0, second.status(), second.output());
        assertTrue(second.output().startsWith("fyntr " + Build.VERSION), "no build the second time: "
                + second.output());
    }

    @Test
    void shouldStopWhenTheBuildFails() throws Exception {
        Path root = checkout();
        Files.writeString(root.resolve("mvnw"), "#!/bin/sh\necho '[ERROR] stand-in failure'\nexit 1\n");
        Build.Result r = Build.run(dir, Map.of("JAVA_HOME", Build.JAVA_HOME.toString()), 120,
                List.of(root.resolve("fyntr").toString(), "--version"));
        assertEquals(1, r.status(), r.output());
        assertTrue(r.output().contains("[ERROR] stand-in failure"), r.output());
        assertTrue(r.output().contains("fyntr: the build failed"), r.output());
    }
}
