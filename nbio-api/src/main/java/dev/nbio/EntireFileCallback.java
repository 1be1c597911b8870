package dev.nbio;

import java.nio.ByteBuffer;

/**
 * The callback of {@code readEntireFile}.
 *
 * @param <T> the type of the attachment
 */
@FunctionalInterface
public interface EntireFileCallback<T> {
    /**
     * Called once the file was read, or one of its steps failed.
     *
     * @param attachment the attachment given to {@code readEntireFile}
     * @param contents   the whole file, position 0 and limit at its size; {@code null} on failure
     * @param error      the failure, or {@code null} on success
     */
    void onFile(T attachment, ByteBuffer contents, ReadEntireFileError error);
}
