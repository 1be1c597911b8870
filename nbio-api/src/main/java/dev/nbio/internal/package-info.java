/**
 * The loop core shared by every backend: ticking, timers, the ready queues, cross-thread
 * execution, the operation pool and the reactor driver. Exported for backends only; not API.
 */
package dev.nbio.internal;
