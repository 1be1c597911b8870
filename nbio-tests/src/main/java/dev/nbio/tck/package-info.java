/**
 * Support for the conformance suite (TCK): {@link dev.nbio.tck.LoopTest}, the base of every
 * test class, runs each test once per backend found and skips, with the cause printed, a
 * backend that cannot start here.
 */
package dev.nbio.tck;
