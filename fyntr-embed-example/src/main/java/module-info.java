/**
 * An application that embeds Fyntr (docs/embedding.md). It needs only the transport; DRR and the SLF4J backend are
 * found at run time through their services.
 */
module dev.fyntr.embed.example {
    requires dev.fyntr.transport.nio;
}
