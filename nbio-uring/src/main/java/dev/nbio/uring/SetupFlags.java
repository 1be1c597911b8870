package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.IORING_SETUP_COOP_TASKRUN;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_DEFER_TASKRUN;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_SINGLE_ISSUER;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_SUBMIT_ALL;

/**
 * The ring setup flags to try, best first. A loop's ring is only ever entered by the loop's
 * thread, which is what {@code SINGLE_ISSUER} and {@code DEFER_TASKRUN} need; older kernels
 * refuse those flags with EINVAL and get the next set. Each can be switched off:
 * {@code -Dnbio.uring.deferTaskrun=false}, {@code -Dnbio.uring.singleIssuer=false},
 * {@code -Dnbio.uring.coopTaskrun=false}.
 */
final class SetupFlags {
    private SetupFlags() {
    }

    static int[] candidates() {
        boolean single = Boolean.parseBoolean(System.getProperty("nbio.uring.singleIssuer", "true"));
        boolean defer = single && Boolean.parseBoolean(System.getProperty("nbio.uring.deferTaskrun", "true"));
        boolean coop = Boolean.parseBoolean(System.getProperty("nbio.uring.coopTaskrun", "true"));
        int best = IORING_SETUP_SUBMIT_ALL
                | (single ? IORING_SETUP_SINGLE_ISSUER : 0)
                | (defer ? IORING_SETUP_DEFER_TASKRUN : 0)
                | (coop && !defer ? IORING_SETUP_COOP_TASKRUN : 0);
        int middle = IORING_SETUP_SUBMIT_ALL | (coop ? IORING_SETUP_COOP_TASKRUN : 0);
        return new int[] {best, middle, 0};
    }
}
