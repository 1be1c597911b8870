package dev.nbio.examples;

import dev.nbio.EventLoop;
import java.io.PrintWriter;
import java.time.Duration;

/** The hello world of nbio: a timeout on the current thread's loop, whose callback says hello. */
public final class HelloWorld {
    private HelloWorld() {
    }

    /**
     * Prints "Hello, world!" to standard output after 100 ms.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        sayHello(new PrintWriter(System.out, true));
    }

    /**
     * Acquires this thread's loop, sets a 100 ms timeout whose callback prints the greeting
     * (on this thread, since it is the loop's), and runs the loop until that was done.
     *
     * @param out where the greeting goes
     */
    public static void sayHello(PrintWriter out) {
        try (EventLoop loop = EventLoop.acquire()) {
            loop.timeout(Duration.ofMillis(100), op -> out.println("Hello, world!"));
            loop.run();
        }
    }
}
