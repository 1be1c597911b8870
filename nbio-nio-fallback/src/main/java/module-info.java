/**
 * The NIO Selector backend: works wherever the JDK runs, and is what auto-selection falls
 * back to when no native backend can start.
 */
module dev.nbio.nio {
    requires dev.nbio;
    requires org.slf4j;

    provides dev.nbio.spi.NotifierProvider with dev.nbio.nio.NioNotifierProvider;
}
