#!/usr/bin/env bash
# Micro benchmarks (JMH), side by side: nbio (io_uring and NIO backends) against a reference
# for each — Netty's event loops (epoll and io_uring) for timers and cross-thread wake-ups,
# FileChannel for positional reads, FileChannel.transferTo and Netty's DefaultFileRegion for
# sendfile, Netty for allocation per echo round trip.
#
#   scripts/bench-micro.sh [--quick] [--only REGEX] [--impls REGEX]
#
# Builds nbio-bench once, then runs `java -jar nbio-bench.jar micro` pinned to one core
# (taskset -c $CPUS, default 0); JMH forks one JVM per benchmark and implementation, which
# inherits the pinning. Prints one Markdown table per comparison: medians over rounds and
# ratios to the references.
#
# Full mode: 3 rounds, the order of the implementations rotating each round; JMH's own
# warm-up and measurement per fork (1 s iterations, 3 + 5; single-shot benchmarks 2 + 5);
# about 15 minutes (843 s on a busy machine). --quick: 1 round, one short iteration each, smaller
# counts and files (100 000 timers over 100 ms, 64 / 256 MiB files), as a smoke test; exits
# non-zero when any benchmark fails.
#
# The machine may be shared: before each fork the runner waits up to QUIET_WAIT seconds for
# the two cores to be idle, and it drops every measured iteration in which other processes
# used more than MAX_OTHER of a core (it reads /proc/stat and the fork's CPU time around each
# iteration); every iteration, kept or not, is in iterations.tsv.
#
# --only REGEX picks comparisons by name: timers-add, timers-fire, wakeups, reads,
# reads-batch, sendfile, alloc; --impls REGEX picks implementations (nbio-uring, nbio-nio,
# netty-epoll, netty-io_uring, netty-nio, filechannel, transferTo, jdk-blocking).
# Settings (environment): CPUS (0), ROUNDS, MAX_OTHER (0.10), QUIET_WAIT (5), OUT (the results folder), FILES (where the 256 MiB and 1 GiB benchmark
# files are made once and kept; default nbio-bench/target/bench-files).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh

ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ARGS+=(--quick) ;;
    --only) ARGS+=(--only "$2"); shift ;;
    --impls) ARGS+=(--impls "$2"); shift ;;
    *) echo "usage: $0 [--quick] [--only REGEX] [--impls REGEX]" >&2; exit 2 ;;
  esac
  shift
done
[ -n "${ROUNDS:-}" ] && ARGS+=(--rounds "$ROUNDS")
[ -n "${MAX_OTHER:-}" ] && ARGS+=(--max-other "$MAX_OTHER")
[ -n "${QUIET_WAIT:-}" ] && ARGS+=(--quiet-wait "$QUIET_WAIT")
CPUS=${CPUS:-0}
OUT=${OUT:-nbio-bench/target/bench-micro/$(date +%Y%m%d-%H%M%S)}
FILES=${FILES:-nbio-bench/target/bench-files}
JAR=nbio-bench/target/nbio-bench.jar

echo "== building $JAR"
./mvnw -q -B -ntp -pl nbio-bench -am package -DskipTests
mkdir -p "$OUT"

echo "== $(nproc) cores, pinned to CPU(s) $CPUS; Linux $(uname -r); $(java -version 2>&1 | head -1)"
# The host VM only starts the forks (each with its own settings, see MicroCommand) and prints.
taskset -c "$CPUS" java -Xms256m -Xmx256m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
    -jar "$JAR" micro --out "$OUT" --files "$FILES" ${ARGS[@]+"${ARGS[@]}"} 2>&1 | tee "$OUT/output.txt"
exit "${PIPESTATUS[0]}"
