#!/usr/bin/env bash
# The whole benchmark in one run: nbio (io_uring and NIO backends) against Netty 4.2's epoll,
# io_uring and NIO transports on every workload of issue 5, then the results page.
#
#   scripts/bench.sh [--quick]
#
# Runs, one after the other and each with its own warm-up, rounds and load checks:
#   scripts/bench-echo.sh     TCP echo ping-pong: 50 connections (rate) and 1 connection (latency)
#   scripts/bench-servers.sh  HTTP/1.1 plaintext (wrk) and Redis PING (redis-benchmark), -P 1 and 16
#   scripts/bench-micro.sh    timers, cross-thread wake-ups, file reads, sendfile, allocation (JMH)
# and then `nbio-bench.jar page`, which writes the run's tables, a summary table and the chart
# (docs/benchmarks.svg) into the generated regions of docs/benchmarks.md; the page's own text
# (method, limits, where the time goes) stays as written.
#
# Full mode takes about 40 minutes on a quiet 2-core machine: run nothing else meanwhile (the
# scripts drop disturbed measurements, and a busy machine makes the run longer, not wrong).
# --quick runs every benchmark briefly (a smoke test: it checks that all of them run, not
# their speed) and writes the page and chart into the run's folder instead of docs/.
# Needs wrk and redis-benchmark (bench-servers.sh installs them when it runs as root).
# Settings (environment): RUN (the results folder), PAGE and CHART (where to write); each
# script's own settings pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh

QUICK=()
if [ "${1:-}" = "--quick" ]; then
  QUICK=(--quick)
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--quick]" >&2; exit 2
fi
RUN=${RUN:-nbio-bench/target/bench/$(date +%Y%m%d-%H%M%S)}
if [ ${#QUICK[@]} -gt 0 ]; then
  PAGE=${PAGE:-$RUN/benchmarks.md}; CHART=${CHART:-$RUN/benchmarks.svg}
else
  PAGE=${PAGE:-docs/benchmarks.md}; CHART=${CHART:-docs/benchmarks.svg}
fi
mkdir -p "$RUN"
START=$SECONDS

echo "=== 1/3 TCP echo"
OUT=$RUN/echo scripts/bench-echo.sh ${QUICK[@]+"${QUICK[@]}"}
echo "=== 2/3 HTTP and PING servers"
OUT=$RUN/servers scripts/bench-servers.sh ${QUICK[@]+"${QUICK[@]}"}
echo "=== 3/3 micro benchmarks"
OUT=$RUN/micro scripts/bench-micro.sh ${QUICK[@]+"${QUICK[@]}"}

[ "$PAGE" = docs/benchmarks.md ] || [ -f "$PAGE" ] || cp docs/benchmarks.md "$PAGE"
ABOUT="Run of $(date -u '+%Y-%m-%d %H:%M') UTC, $((SECONDS - START)) s$([ ${#QUICK[@]} -gt 0 ] && echo ' (--quick: not figures)'),\
 commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' with local changes');\
 $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), Linux $(uname -r),\
 $(java -version 2>&1 | head -1); command: \`scripts/bench.sh${QUICK[*]:+ ${QUICK[*]}}\`; every run's files: \`$RUN/\`."
java -jar nbio-bench/target/nbio-bench.jar page --page "$PAGE" --chart "$CHART" --about "$ABOUT" \
    --echo "$RUN/echo" --servers "$RUN/servers" --micro "$RUN/micro"
echo "=== done in $((SECONDS - START)) s: $PAGE, $CHART"
