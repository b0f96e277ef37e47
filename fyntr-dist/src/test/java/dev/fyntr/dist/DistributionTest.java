package dev.fyntr.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archives as a user gets them (docs/install.md): unpacked with the real tar, run from another directory, through
 * a symlink on the PATH, with JAVA_HOME and FYNTR_JAVA_OPTS.
 */
class DistributionTest {

    @TempDir
    static Path dir;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tar = Build.TARGET.resolve("fyntr-" + Build.VERSION + ".tar.gz");
        assertTrue(Files.isRegularFile(tar), tar + " is missing: the distribution tests run after package");
        Build.Result r = Build.run(dir, Map.of(), 60, List.of("tar", "xzf", tar.toString()));
        assertEquals(0, r.status(), r.output());
        home = dir.resolve("fyntr-" + Build.VERSION);
    }

    private static Map<String, String> javaHome() {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", Build.JAVA_HOME.toString());
        return env;
    }

    @Test
    void shouldHoldTheLauncherTheModulesAndAnEmptyPluginsFolder() throws Exception {
        assertTrue(Files.isExecutable(home.resolve("bin/fyntr")), "bin/fyntr is executable");
        List<String> lib = new ArrayList<>();
        try (var files = Files.list(home.resolve("lib"))) {
            files.forEach(f -> lib.add(f.getFileName().toString()));
        }
        for (String jar : List.of("fyntr-cli", "fyntr-transport-nio", "fyntr-api", "fyntr-scheduler-drr", "picocli",
                "slf4j-api", "slf4j-simple")) {
            assertTrue(lib.stream().anyMatch(f -> f.startsWith(jar)), jar + " in lib/: " + lib);
        }
        assertTrue(Files.isRegularFile(home.resolve("plugins/README.md")));
        assertTrue(Files.isRegularFile(home.resolve("LICENSE")));

        try (ZipFile zip = new ZipFile(Build.TARGET.resolve("fyntr-" + Build.VERSION + ".zip").toFile())) {
            String base = "fyntr-" + Build.VERSION + "/";
            for (String entry : List.of("bin/fyntr", "plugins/README.md", "LICENSE")) {
                assertTrue(zip.getEntry(base + entry) != null, entry + " in the zip");
            }
            ZipEntry launcher = zip.getEntry(base + "bin/fyntr");
            assertTrue(zip.stream().anyMatch(e -> e.getName().startsWith(base + "lib/fyntr-cli")), "lib/ in the zip");
            assertTrue(launcher.getSize() > 0);
        }
    }

    @Test
    void shouldRunFromAnotherDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Build.Result r = Build.run(elsewhere, javaHome(), 60, List.of(home.resolve("bin/fyntr").toString(),
                "--version"));
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().startsWith("fyntr " + Build.VERSION), r.output());
    }

    @Test
    void shouldRunThroughSymlinksOnThePath() throws Exception {
        // Two hops, the first relative: PATH/fyntr -> ../links/fyntr -> <home>/bin/fyntr
        Path links = Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("fyntr"), home.resolve("bin/fyntr"));
        Path bin = Files.createDirectories(dir.resolve("pathbin"));
        Files.createSymbolicLink(bin.resolve("fyntr"), Path.of("../links/fyntr"));
        Map<String, String> env = javaHome();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        Build.Result r = Build.run(dir, env, 60, List.of("sh", "-c", "cd / && fyntr --version"));
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().startsWith("fyntr " + Build.VERSION), r.output());
    }

    @Test
    void shouldPassFyntrJavaOptsToTheJvm() throws Exception {
        Map<String, String> env = javaHome();
        env.put("FYNTR_JAVA_OPTS", "-Xmx32m -Dfyntr.scheduler=no-such-scheduler");
        Build.Result r = Build.run(dir, env, 60, List.of(home.resolve("bin/fyntr").toString(), "--dry-run"));
        assertEquals(2, r.status(), r.output());
        assertTrue(r.output().contains("no-such-scheduler"), r.output());
    }

    @Test
    void shouldLoadASchedulerDroppedIntoPlugins() throws Exception {
        Path example = Build.ROOT.resolve("fyntr-example-scheduler/target/fyntr-example-scheduler-" + Build.VERSION
                + ".jar");
        assertTrue(Files.isRegularFile(example), example + " is missing");
        Path plugin = home.resolve("plugins/example.jar");
        Files.copy(example, plugin);
        try {
            Build.Result r = Build.run(dir, javaHome(), 60, List.of(home.resolve("bin/fyntr").toString(),
                    "--dry-run", "--scheduler", "rr"));
            assertEquals(0, r.status(), r.output());
            assertTrue(r.output().contains("scheduler rr"), r.output());
        } finally {
            Files.delete(plugin);
        }
    }

    @Test
    void shouldSaySoWhenThereIsNoJava() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", dir.resolve("no-jdk-here").toString());
        Build.Result r = Build.run(dir, env, 60, List.of(home.resolve("bin/fyntr").toString(), "--version"));
        assertEquals(1, r.status(), r.output());
        assertTrue(r.output().contains("fyntr: no java found"), r.output());
    }
}
