package dev.fyntr.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the build put things, and a bounded way to run a child process. */
final class Build {

    static final Path ROOT = Path.of(System.getProperty("fyntr.root", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("fyntr.version", "0.1.0-SNAPSHOT");
    static final Path TARGET = Path.of(System.getProperty("fyntr.target", "target")).toAbsolutePath();
    static final Path JAVA_HOME = Path.of(System.getProperty("fyntr.java.home", System.getProperty("java.home")));

    private Build() {
    }

    record Result(int status, String output) {
    }

    /**
     * Runs a command to its end (at most {@code timeoutSeconds}), stdin empty, stdout and stderr together.
     *
     * @param env variables to set on top of this process's (a {@code null} value removes one)
     */
    static Result run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("fyntr-dist-test", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null")
                            .toFile()));
            pb.environment().keySet().removeIf(k -> k.startsWith("FYNTR_"));
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    throw new AssertionError("still running after " + timeoutSeconds + " s: " + command + "\n"
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
            } finally {
                p.destroyForcibly();
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
