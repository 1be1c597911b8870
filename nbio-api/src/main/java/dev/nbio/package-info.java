/**
 * nbio's public API: per-thread {@link dev.nbio.EventLoop}s that tick, callback-based
 * {@link dev.nbio.Operation}s on sockets, files and timers, and the handle types they work on.
 * Start with {@link dev.nbio.EventLoop#acquire()}.
 */
package dev.nbio;
