package dev.fyntr.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fyntr-bom lists every jar module of the root pom (so that a new module cannot be forgotten), and a scratch project
 * that imports it resolves every module without versions, from a throw-away local repository filled with this
 * build's jars: nothing is installed into the shared one.
 */
class BomTest {

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

    @TempDir
    Path dir;

    /** The first {@code <tag>} of a pom outside its parent block, or {@code null}. */
    private static String own(String pom, String tag) {
        String body = pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<!--.*?-->", "");
        Matcher m = Pattern.compile("<" + tag + ">([^<]*)</" + tag + ">").matcher(body);
        return m.find() ? m.group(1).strip() : null;
    }

    /** artifactId of each module of the root pom that ships a jar and does not opt out with fyntr.bom.skip. */
    static List<String> jarModules() throws Exception {
        String root = Files.readString(Build.ROOT.resolve("pom.xml")).replaceAll("(?s)<!--.*?-->", "");
        List<String> jars = new ArrayList<>();
        Matcher m = MODULE.matcher(root.substring(root.indexOf("<modules>"), root.indexOf("</modules>")));
        while (m.find()) {
            String pom = Files.readString(Build.ROOT.resolve(m.group(1).strip()).resolve("pom.xml"));
            String packaging = own(pom, "packaging");
            if ((packaging == null || packaging.equals("jar")) && !"true".equals(own(pom, "fyntr.bom.skip"))) {
                jars.add(own(pom, "artifactId"));
            }
        }
        return jars;
    }

    static List<String> bomEntries() throws Exception {
        String bom = Files.readString(Build.ROOT.resolve("fyntr-bom/pom.xml")).replaceAll("(?s)<!--.*?-->", "");
        String managed = bom.substring(bom.indexOf("<dependencyManagement>"), bom.indexOf("</dependencyManagement>"));
        List<String> entries = new ArrayList<>();
        Matcher m = ARTIFACT.matcher(managed);
        while (m.find()) {
            entries.add(m.group(1).strip());
        }
        return entries;
    }

    @Test
    void shouldListEveryJarModuleOfTheRootPom() throws Exception {
        List<String> modules = jarModules();
        assertTrue(modules.contains("fyntr-transport-nio"), modules.toString());
        assertEquals(new TreeSet<>(modules), new TreeSet<>(bomEntries()),
                "fyntr-bom/pom.xml must manage exactly the jar modules of the root pom (a tool module opts out with"
                        + " <fyntr.bom.skip>true</fyntr.bom.skip>)");
        String bom = Files.readString(Build.ROOT.resolve("fyntr-bom/pom.xml"));
        assertEquals(Build.VERSION, own(bom, "version"), "the BOM's version must be the build's");
    }

    /** Copies an artifact into a local repository's layout, as install would. */
    private static void put(Path repo, String artifactId, Path pom, Path jar) throws Exception {
        Path at = repo.resolve("dev/fyntr").resolve(artifactId).resolve(Build.VERSION);
        Files.createDirectories(at);
        Files.copy(pom, at.resolve(artifactId + "-" + Build.VERSION + ".pom"));
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), jar + " is missing: the BOM test runs after every module's package");
            Files.copy(jar, at.resolve(artifactId + "-" + Build.VERSION + ".jar"));
        }
    }

    @Test
    void shouldResolveEveryModuleThroughTheBomInAScratchProject() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        put(repo, "fyntr-parent", Build.ROOT.resolve("pom.xml"), null);
        put(repo, "fyntr-bom", Build.ROOT.resolve("fyntr-bom/pom.xml"), null);
        List<String> modules = bomEntries();
        StringBuilder deps = new StringBuilder();
        for (String artifactId : modules) {
            Path target = Build.ROOT.resolve(artifactId).resolve("target");
            Path jar = target.resolve(artifactId + "-" + Build.VERSION + ".jar");
            put(repo, artifactId, Build.ROOT.resolve(artifactId).resolve("pom.xml"),
                    Files.exists(jar) ? jar : target.resolve(artifactId + ".jar")); // or a module's finalName
            deps.append("<dependency><groupId>dev.fyntr</groupId><artifactId>").append(artifactId)
                    .append("</artifactId></dependency>\n");
        }
        Path project = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId><artifactId>embedder</artifactId><version>1</version>
                  <dependencyManagement><dependencies>
                    <dependency><groupId>dev.fyntr</groupId><artifactId>fyntr-bom</artifactId>
                      <version>%s</version><type>pom</type><scope>import</scope></dependency>
                  </dependencies></dependencyManagement>
                  <dependencies>
                %s  </dependencies>
                  <build><plugins><plugin><artifactId>maven-dependency-plugin</artifactId><version>3.11.0</version>
                  </plugin></plugins></build>
                </project>
                """.formatted(Build.VERSION, deps));
        Path classpath = dir.resolve("classpath.txt");
        String shared = System.getProperty("fyntr.m2.repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        // The scratch repository is the head (anything resolved is written there); the shared one is a read-only
        // tail for third-party artifacts (Maven 3.9's chained local repository).
        Build.Result r = Build.run(project, Map.of("JAVA_HOME", Build.JAVA_HOME.toString()), 300, List.of(
                Build.ROOT.resolve("mvnw").toString(), "-o", "-B", "-q", "-Dmaven.repo.local=" + repo,
                "-Dmaven.repo.local.tail=" + shared, "dependency:build-classpath",
                "-Dmdep.outputFile=" + classpath));
        assertEquals(0, r.status(), r.output());
        String cp = Files.readString(classpath);
        for (String artifactId : modules) {
            assertTrue(cp.contains(repo.resolve("dev/fyntr").resolve(artifactId).toString()),
                    artifactId + " not resolved from the scratch repository: " + cp);
        }
        assertTrue(cp.contains("slf4j-api"), "third-party dependencies come along: " + cp);
    }
}
