/**
 * The io_uring backend: a proactor on Linux's io_uring, bound through the FFM API (no JNI,
 * no liburing). It registers itself as the provider named {@code uring}.
 */
module dev.nbio.uring {
    requires dev.nbio;
    requires org.slf4j;

    provides dev.nbio.spi.NotifierProvider with dev.nbio.uring.UringNotifierProvider;
}
