/** The {@code fyntr} command. */
module dev.fyntr.cli {
    requires dev.fyntr.transport.nio;
}
