package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.OperationKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/** Helpers shared by the file, removal and close tests: opening files, POSIX permissions and open descriptors. */
final class FileSuiteSupport {
    /** Where Linux lists the process's open descriptors, each a symbolic link to what it refers to. */
    private static final Path PROC_FD = Path.of("/proc/self/fd");

    private FileSuiteSupport() {
    }

    /**
     * Ticks until the callback ran and then until nothing is left waiting, so that a second
     * callback would show up too.
     *
     * @param loop     the loop of the calling thread
     * @param recorder the callback
     * @param <T>      what the recorder keeps of a call
     * @return the one call there was
     */
    static <T> T finish(EventLoop loop, Recorder<T> recorder) {
        Ticking.tickUntil(loop, recorder::called);
        Ticking.runToCompletion(loop);
        return recorder.only();
    }

    /**
     * Opens a file through the loop and asserts the open succeeded.
     *
     * @param loop        the loop of the calling thread
     * @param directory   the directory a relative path starts from, or {@code null}
     * @param path        the file
     * @param flags       how to open it
     * @param permissions the mode of a file it creates
     * @return the open file, which the caller closes
     */
    static FileHandle openOk(EventLoop loop, FileHandle directory, Path path, Set<FileFlag> flags, int permissions) {
        Recorder<Outcome> open = Recorder.outcomes();
        loop.open(directory, path, flags, permissions, open);
        Outcome opened = finish(loop, open);
        opened.assertSucceeded(OperationKind.OPEN);
        assertNotNull(opened.file(), "a successful open hands out the file");
        return opened.file();
    }

    /**
     * Whether the default file system has POSIX permissions.
     *
     * @return true on Linux, macOS, ...
     */
    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /**
     * The permission bits the process umask lets through, found by creating a directory with
     * {@code 0777} and reading back what it got.
     *
     * @param scratch an empty directory to create the probe in
     * @return the bits the umask keeps
     */
    static Set<PosixFilePermission> allowedByUmask(Path scratch) {
        try {
            Path probe = Files.createDirectory(scratch.resolve("umask-probe"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
            Set<PosixFilePermission> allowed = Files.getPosixFilePermissions(probe);
            Files.delete(probe);
            return allowed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many of this process's descriptors refer to a file. Only Linux lists them; elsewhere
     * the calling test is aborted with the reason, since a leak cannot be seen there this way.
     *
     * @param file the file, given by the real path it had when it existed
     * @return the number of open descriptors on it
     */
    static int descriptorsOn(Path file) {
        Assumptions.assumeTrue(Files.isDirectory(PROC_FD),
                "open descriptors are observed through /proc/self/fd, which this system does not have");
        String target = file.toString();
        int count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC_FD)) {
            for (Path entry : entries) {
                if (pointsTo(entry, target)) {
                    count++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }

    private static boolean pointsTo(Path descriptor, String target) {
        try {
            String link = Files.readSymbolicLink(descriptor).toString();
            // A deleted file still open shows as "<path> (deleted)".
            return link.equals(target) || link.equals(target + " (deleted)");
        } catch (IOException closedMeanwhile) {
            // The descriptor (e.g. the directory stream's own) was closed while listing.
            return false;
        }
    }

    /**
     * The real path of an existing file, as descriptors refer to it.
     *
     * @param file the file
     * @return its real path
     */
    static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
