package dev.nbio.bench;

/**
 * A server under test, whatever it runs on and whatever it serves (echo, HTTP plaintext,
 * Redis PING): it listens on loopback, answers its protocol, and stops when told.
 */
public interface ServerUnderTest {

    /**
     * The port the server listens on.
     *
     * @return the bound port
     */
    int port();

    /**
     * A short description of what actually runs, printed once at start-up (for example the
     * nbio backend the loop got, or whether Netty found {@code sun.misc.Unsafe}).
     *
     * @return the description
     */
    String describe();

    /**
     * Stops the server and waits for its thread to end.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    void stop() throws InterruptedException;
}
