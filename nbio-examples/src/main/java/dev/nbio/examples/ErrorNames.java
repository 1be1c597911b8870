package dev.nbio.examples;

import dev.nbio.OpError;

/** How the tools print an nbio error: with its type, as in {@code SendfileError.CONNECTION_RESET}. */
final class ErrorNames {
    private ErrorNames() {
    }

    /** {@code DialError.CONNECTION_REFUSED} for {@link dev.nbio.DialError#CONNECTION_REFUSED}. */
    static String of(OpError error) {
        // getDeclaringClass, not getClass: a constant with a body of its own is an anonymous subclass.
        Class<?> type = error instanceof Enum<?> constant ? constant.getDeclaringClass() : error.getClass();
        return type.getSimpleName() + "." + error.name();
    }
}
