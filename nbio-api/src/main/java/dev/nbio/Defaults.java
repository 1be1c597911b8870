package dev.nbio;

/** Shared constants for the interfaces' default methods. */
final class Defaults {
    /** Stands in for a callback until {@link Operation#withAttachment} replaces it, and for close's optional callback. */
    static final Callback IGNORE = op -> { };

    /** Odin's default backlog for {@code listen_tcp}. */
    static final int BACKLOG = 1000;

    private Defaults() {
    }
}
