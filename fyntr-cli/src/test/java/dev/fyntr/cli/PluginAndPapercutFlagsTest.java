package dev.fyntr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fyntr.api.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The plug-in flags in-process ({@code --list-schedulers}, {@code --plugin-path} errors, {@code --weight},
 * {@code -Dfyntr.scheduler}) and the papercuts of issue 17, each with the message it used to get wrong.
 */
class PluginAndPapercutFlagsTest {

    @Test
    void shouldListEveryProviderWithItsDescriptionAndOrigin() {
        Cli.Result r = Cli.run("--list-schedulers");
        assertEquals(0, r.status(), r.err());
        List<String> lines = List.of(r.out().split("\\R"));
        assertEquals(3, lines.size(), r.out());
        // A module in surefire's default (module-path) execution; the class path when run there.
        String drr = "\\[(module dev\\.fyntr\\.scheduler\\.drr|class path), .+]";
        assertTrue(lines.get(0).matches("drr +Deficit Round-Robin .* " + drr), lines.get(0));
        assertTrue(lines.get(1).matches("fifo +fifo +\\[class path.*]"), lines.get(1));
        assertTrue(lines.get(2).matches("wdrr +weighted Deficit Round-Robin.* " + drr), lines.get(2));
    }

    @Test
    void shouldRefuseAPluginPathThatDoesNotExistAsAUsageError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.jar");
        Cli.Result r = Cli.run("--dry-run", "--plugin-path", missing.toString());
        assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
        assertEquals("fyntr: invalid value for --plugin-path: '" + missing + "' does not exist; accepted: jars or "
                + "directories of jars, separated by ':'", r.errLines().get(0));
        Cli.Result env = Cli.run(Map.of("FYNTR_PLUGIN_PATH", missing.toString()), "--dry-run");
        assertTrue(env.errLines().get(0).startsWith("fyntr: invalid value for FYNTR_PLUGIN_PATH (--plugin-path): "),
                env.err());
    }

    @Test
    void shouldRefuseAFileThatIsNotAJarInOneLine(@TempDir Path dir) throws IOException {
        Path notAJar = Files.writeString(dir.resolve("plugin.jar"), "not a zip");
        Cli.Result r = Cli.run("--dry-run", "--plugin-path", dir.toString());
        assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("fyntr: plug-in '" + notAJar + "' is not a readable jar ("), r.err());
    }

    @Test
    void shouldNameAPluginWhoseProviderIsMissingWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("broken-plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.fyntr.api.spi.SchedulerProvider"));
            out.write("com.example.Missing\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Cli.Result r = Cli.run("--dry-run", "--plugin-path", jar.toString(), "--scheduler", "rr");
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().contains(jar.toString()) || r.err().contains("com.example.Missing"), r.err());
        assertTrue(r.status() == FyntrCli.EXIT_FAILURE || r.status() == FyntrCli.EXIT_USAGE, r.err());
    }

    @Test
    void shouldSayWhenTheSchedulerNameCameFromTheSystemProperty() {
        String saved = System.getProperty(Schedulers.PROPERTY);
        System.setProperty(Schedulers.PROPERTY, "rr");
        try {
            Cli.Result r = Cli.run("--dry-run");
            assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
            assertEquals("fyntr: invalid value for -Dfyntr.scheduler: no scheduler named 'rr'; available: drr, fifo, "
                    + "wdrr; a plug-in jar is loaded with --plugin-path JAR (see --list-schedulers)", r.errLines().get(0));
            Cli.Result fifo = Cli.run("--dry-run", "--scheduler", "fifo");
            assertEquals(0, fifo.status(), "the flag wins over the property: " + fifo.err());
        } finally {
            if (saved == null) {
                System.clearProperty(Schedulers.PROPERTY);
            } else {
                System.setProperty(Schedulers.PROPERTY, saved);
            }
        }
    }

    @Test
    void shouldPassWeightsToWdrrAndShowThemInTheStartupLine() {
        Cli.Result r = Cli.run("--dry-run", "--scheduler", "wdrr", "--weight", "Registry.Example=4, port:22=8");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("(scheduler wdrr (weights registry.example=4,port:22=8, quantum auto, "
                + "sparse-flow priority on), max 1000 connections"), r.out());
    }

    @Test
    void shouldRefuseBadWeightsNamingTheRuleAndTheSyntax() {
        Cli.Result r = Cli.run(Map.of("FYNTR_WEIGHT", "registry.example=4,*.internal=zero"), "--dry-run",
                "--scheduler", "wdrr");
        assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
        assertTrue(r.errLines().get(0).startsWith("fyntr: invalid value for FYNTR_WEIGHT (--weight): invalid weight "
                + "rule '*.internal=zero': weight 'zero' is not a number from 0.01 to 100; rules are PATTERN=WEIGHT"),
                r.err());
    }

    @Test
    void shouldRefuseWeightsForDrrWhichHasNone() {
        Cli.Result r = Cli.run("--dry-run", "--weight", "a.example=2");
        assertEquals(FyntrCli.EXIT_USAGE, r.status(), r.err());
        assertEquals("fyntr: --weight needs --scheduler wdrr (or a plug-in that reads weights); drr gives every flow "
                + "the same quantum", r.errLines().get(0));
    }

    // ---- papercuts ------------------------------------------------------------------------------------------

    @Test
    void shouldSayOnceThatAnAddressIsNotThisMachines() {
        // 192.0.2.1 is TEST-NET-1: never an address of this machine, so binding fails with EADDRNOTAVAIL.
        Cli.Result r = Cli.run("--bind", "192.0.2.1", "--port", "0");
        assertEquals(FyntrCli.EXIT_FAILURE, r.status(), r.err());
        String line = r.errLines().get(r.errLines().size() - 1);
        assertEquals(line.indexOf("cannot listen"), line.lastIndexOf("cannot listen"), "said once: " + line);
        assertTrue(line.startsWith("fyntr: cannot listen on 192.0.2.1:0: "), line);
        assertTrue(line.endsWith("; 192.0.2.1 is not an address of this machine: give one of its addresses to "
                + "--bind, 127.0.0.1, or 0.0.0.0 for all"), line);
        assertFalse(line.contains("another process"), line);
    }

    @Test
    void shouldWarnAboutAnUnknownVariableAndSuggestTheNearest() {
        Cli.Result r = Cli.run(Map.of("FYNTR_PORTT", "8080", "FYNTR_JAVA_OPTS", "-Xmx32m", "FYNTR_FROBNICATE", "1"),
                "--dry-run", "--port", "0");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.errLines().contains("fyntr: warning: FYNTR_PORTT is not a fyntr variable and is ignored; did you "
                + "mean FYNTR_PORT?"), r.err());
        assertTrue(r.errLines().contains("fyntr: warning: FYNTR_FROBNICATE is not a fyntr variable and is ignored; see "
                + "fyntr --help for the FYNTR_<OPTION> variables"), r.err());
        assertFalse(r.err().contains("FYNTR_JAVA_OPTS"), "the launcher's own variable: " + r.err());
    }

    @Test
    void shouldKnowEveryOptionsVariable() throws Exception {
        var commandLine = FyntrCli.parse(new String[0], Map.of()).commandLine();
        assertEquals(List.of(), EnvironmentDefaults.unknownVariables(Map.of("FYNTR_MAX_CONNECTIONS_PER_CLIENT", "1",
                "FYNTR_PLUGIN_PATH", "x", "FYNTR_WEIGHT", "y", "OTHER", "z"), commandLine));
        assertEquals(1, EnvironmentDefaults.distance("FYNTR_PORTT", "FYNTR_PORT"));
    }

    @Test
    void shouldSayHowSmallACountMayBe() {
        Cli.Result r = Cli.run("--dry-run", "--max-connections", "-1");
        assertEquals(FyntrCli.EXIT_USAGE, r.status());
        assertEquals("fyntr: invalid value for --max-connections: '-1' is too small: it must be at least 0; accepted: "
                + "a whole number, 0 = unlimited", r.errLines().get(0));
    }

}
