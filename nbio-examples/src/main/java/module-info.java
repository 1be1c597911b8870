/**
 * Runnable nbio examples and the {@code nbio} command-line tool: a TCP echo server and the
 * hello world of the user guide.
 */
module dev.nbio.examples {
    requires dev.nbio;
    requires info.picocli;
    requires org.slf4j;

    // picocli reads and sets the commands' annotated fields reflectively.
    opens dev.nbio.examples to info.picocli;
}
