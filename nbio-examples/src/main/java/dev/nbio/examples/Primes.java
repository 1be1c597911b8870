package dev.nbio.examples;

import java.util.concurrent.CancellationException;

/**
 * The worker-pool server's CPU work: the n-th prime, found by trial division. Slow on
 * purpose and always the same answer, so a test can check it; the 100,000th prime takes
 * a fraction of a second, the 1,000,000th many seconds.
 */
final class Primes {
    /** How many candidates are tried between two looks at the thread's interrupt flag. */
    private static final int INTERRUPT_CHECK_INTERVAL = 4096;

    private Primes() {
    }

    /**
     * The n-th prime: 2, 3, 5, 7, 11, ... for n = 1, 2, 3, 4, 5, ...
     *
     * @param n which prime, from 1
     * @return the prime
     * @throws IllegalArgumentException when n is below 1
     * @throws CancellationException    when the thread is interrupted meanwhile (the pool is
     *                                  shutting down); the interrupt flag stays set
     */
    static long nth(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("there is no prime number " + n);
        }
        if (n == 1) {
            return 2;
        }
        long found = 1;
        long candidate = 1;
        int untilCheck = INTERRUPT_CHECK_INTERVAL;
        while (found < n) {
            candidate += 2;
            if (isOddPrime(candidate)) {
                found++;
            }
            if (--untilCheck == 0) {
                untilCheck = INTERRUPT_CHECK_INTERVAL;
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("interrupted while looking for prime number " + n);
                }
            }
        }
        return candidate;
    }

    private static boolean isOddPrime(long candidate) {
        for (long divisor = 3; divisor * divisor <= candidate; divisor += 2) {
            if (candidate % divisor == 0) {
                return false;
            }
        }
        return true;
    }
}
