package dev.fyntr.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Dockerfile and the systemd unit (docs/install.md): {@code systemd-analyze verify} on the unit with the unpacked
 * launcher, {@code docker build} and a run of the image where a Docker daemon answers; both are skipped where the tool
 * is missing.
 */
class ContainerAndServiceTest {

    @TempDir
    Path dir;

    private static boolean works(String... command) {
        try {
            return Build.run(Path.of("."), Map.of(), 30, List.of(command)).status() == 0;
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    @Test
    void shouldHaveAUnitThatSystemdAcceptsWithoutAWarning() throws Exception {
        assumeTrue(works("systemd-analyze", "--version"), "no systemd-analyze here");
        Build.Result unpack = Build.run(dir, Map.of(), 60, List.of("tar", "xzf",
                Build.TARGET.resolve("fyntr-" + Build.VERSION + ".tar.gz").toString()));
        assertEquals(0, unpack.status(), unpack.output());
        String unit = Files.readString(Build.ROOT.resolve("dist/systemd/fyntr.service"));
        assertTrue(unit.contains("ExecStart=/opt/fyntr/bin/fyntr\n"), unit);
        for (String hardening : List.of("DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                "LimitNOFILE=")) {
            assertTrue(unit.contains("\n" + hardening), hardening);
        }
        // The unpacked launcher stands in for /opt/fyntr, which systemd-analyze checks for existence.
        Path copy = Files.writeString(dir.resolve("fyntr.service"), unit.replace("/opt/fyntr/bin/fyntr",
                dir.resolve("fyntr-" + Build.VERSION + "/bin/fyntr").toString()));
        Build.Result r = Build.run(dir, Map.of(), 60, List.of("systemd-analyze", "verify", copy.toString()));
        assertEquals(0, r.status(), r.output());
        assertEquals("", r.output().strip(), "systemd-analyze found something to say");
    }

    @Test
    void shouldRunAsNonRootAndBindLoopbackUnlessTold() throws Exception {
        String dockerfile = Files.readString(Build.ROOT.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("\nUSER 10001:10001\n"), "a non-root user");
        assertTrue(dockerfile.contains("\nEXPOSE 9999\n"));
        assertFalse(dockerfile.contains("ENV FYNTR_BIND"), "0.0.0.0 only when told, by the one who runs it");
        assertTrue(dockerfile.contains("-Pjlink"), "the runtime is the jlink image");
        String ignore = Files.readString(Build.ROOT.resolve(".dockerignore"));
        assertTrue(ignore.contains("**/target/"), "no build output in the context");
    }

    @Test
    void shouldBuildAndRunTheImageWhereDockerIsAvailable() throws Exception {
        assumeTrue(works("docker", "info"), "no Docker daemon here");
        String tag = "fyntr-test:" + ProcessHandle.current().pid();
        try {
            Build.Result build = Build.run(Build.ROOT, Map.of(), 1800, List.of("docker", "build", "-t", tag, "."));
            assertEquals(0, build.status(), build.output());
            Build.Result version = Build.run(Build.ROOT, Map.of(), 120, List.of("docker", "run", "--rm", tag,
                    "--version"));
            assertEquals(0, version.status(), version.output());
            assertTrue(version.output().startsWith("fyntr " + Build.VERSION), version.output());
            Build.Result user = Build.run(Build.ROOT, Map.of(), 120, List.of("docker", "run", "--rm",
                    "--entrypoint", "/opt/fyntr/bin/java", tag, "-XshowSettings:properties", "-version"));
            assertTrue(user.output().contains("user.name = ") && !user.output().contains("user.name = root"),
                    user.output());
        } finally {
            works("docker", "rmi", "-f", tag);
        }
    }
}
