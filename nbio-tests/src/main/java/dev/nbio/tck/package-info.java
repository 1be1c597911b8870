/**
 * Support for the conformance suite (TCK): {@link dev.nbio.tck.LoopTest}, the base of every
 * test class, runs each test once per backend found and skips, with the cause printed, a
 * backend that cannot start here. Tests share {@link dev.nbio.tck.Ticking} (ticking until,
 * at most, or for a while), {@link dev.nbio.tck.OpenHandles} (closing what a test opened)
 * and {@link dev.nbio.tck.SocketPair} (a connected TCP pair).
 */
package dev.nbio.tck;
