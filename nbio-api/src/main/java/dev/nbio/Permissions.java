package dev.nbio;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * POSIX permission bits for files that {@code open} creates, as the usual octal mode
 * ({@code 0644} and so on). The process umask still applies.
 */
public final class Permissions {
    /** Read, write and execute for user, group and others ({@code 0777}). */
    public static final int ALL = 0777;
    /** Read and write for user, group and others ({@code 0666}): the default for new files. */
    public static final int DEFAULT_FILE = 0666;
    /** Read, write and execute for everyone ({@code 0777}): the default for new directories. */
    public static final int DEFAULT_DIRECTORY = 0777;
    /** Read for user, group and others ({@code 0444}). */
    public static final int READ_ALL = 0444;
    /** Write for user, group and others ({@code 0222}). */
    public static final int WRITE_ALL = 0222;
    /** Execute for user, group and others ({@code 0111}). */
    public static final int EXECUTE_ALL = 0111;

    private static final PosixFilePermission[] BY_BIT = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private Permissions() {
    }

    /**
     * Converts a mode to the JDK's permission set.
     *
     * @param mode permission bits, {@code 0} to {@code 0777}
     * @return the matching permissions
     * @throws IllegalArgumentException when the mode has bits outside {@code 0777}
     */
    public static Set<PosixFilePermission> toPosix(int mode) {
        checkMode(mode);
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(BY_BIT[bit]);
            }
        }
        return set;
    }

    /**
     * Checks that a mode holds only permission bits.
     *
     * @param mode the mode to check
     * @throws IllegalArgumentException when the mode has bits outside {@code 0777}
     */
    public static void checkMode(int mode) {
        if ((mode & ~ALL) != 0) {
            throw new IllegalArgumentException("permissions must be within 0777 (octal), got 0" + Integer.toOctalString(mode));
        }
    }
}
