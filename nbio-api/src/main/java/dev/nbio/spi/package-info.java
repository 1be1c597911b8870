/**
 * What a backend implements: a {@link dev.nbio.spi.NotifierProvider} found by
 * {@link java.util.ServiceLoader}, the {@link dev.nbio.spi.Notifier} that drives one loop's
 * I/O, its {@link dev.nbio.spi.Handle}s, and the shared {@link dev.nbio.spi.OperationRecord}
 * with its {@link dev.nbio.spi.OperationExtras}.
 */
package dev.nbio.spi;
