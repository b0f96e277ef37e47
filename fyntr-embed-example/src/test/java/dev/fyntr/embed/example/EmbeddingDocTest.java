package dev.fyntr.embed.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** docs/embedding.md shows this module's code as it is, so that the page cannot drift from what the build runs. */
class EmbeddingDocTest {

    private static final Path DOCS = Path.of(System.getProperty("fyntr.docs", "../docs"));

    private static void assertShown(String page, Path source) throws IOException {
        String doc = Files.readString(DOCS.resolve(page));
        String code = Files.readString(source).strip();
        assertTrue(doc.contains(code), page + " must show " + source + " exactly as it is:\n" + code);
    }

    @Test
    void shouldShowTheExampleAndItsModuleDescriptorVerbatim() throws IOException {
        assertShown("embedding.md", Path.of("src/main/java/dev/fyntr/embed/example/EmbedExample.java"));
        assertShown("embedding.md", Path.of("src/main/java/module-info.java"));
    }
}
