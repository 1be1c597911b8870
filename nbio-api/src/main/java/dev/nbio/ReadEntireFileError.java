package dev.nbio;

/**
 * Why {@code readEntireFile} failed: which of its steps failed and with what error.
 *
 * @param failedAt the step: {@link OperationKind#OPEN}, {@link OperationKind#STAT} or {@link OperationKind#READ}
 * @param error    the step's named error
 * @param errno    the operating system's error code, or 0
 * @param cause    the exception behind the failure, or {@code null}
 */
public record ReadEntireFileError(OperationKind failedAt, OpError error, int errno, Throwable cause) {
}
