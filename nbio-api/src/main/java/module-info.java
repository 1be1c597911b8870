/**
 * nbio: the public API ({@code dev.nbio}), the backend SPI ({@code dev.nbio.spi}) and the
 * loop core that backends build on ({@code dev.nbio.internal}).
 */
module dev.nbio {
    requires org.slf4j;
    requires org.jctools.core;

    exports dev.nbio;
    exports dev.nbio.spi;
    exports dev.nbio.internal;

    uses dev.nbio.spi.NotifierProvider;
}
