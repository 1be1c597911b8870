package dev.nbio.nio;

import dev.nbio.spi.Availability;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.Notifier;
import dev.nbio.spi.NotifierProvider;
import java.io.IOException;

/** The {@link java.util.ServiceLoader} entry of the NIO backend: always available, always last. */
public final class NioNotifierProvider implements NotifierProvider {
    /** The backend's name for {@code nbio.backend}. */
    public static final String NAME = "nio";

    /** Called by {@link java.util.ServiceLoader}. */
    public NioNotifierProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean isNative() {
        return false;
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Notifier create(LoopContext context) throws IOException {
        return new NioNotifier(context);
    }
}
