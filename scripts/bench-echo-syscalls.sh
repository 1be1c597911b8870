#!/usr/bin/env bash
# Counts the system calls each echo server makes per round trip, to explain the figures of
# scripts/bench-echo.sh (same servers, client, pinning and JVM settings; one short run each).
#
#   scripts/bench-echo-syscalls.sh              # 50 connections
#   CONNECTIONS=1 scripts/bench-echo-syscalls.sh
#
# Needs `perf` (Debian: linux-perf) and the kernel's syscall tracepoints. The counts are
# taken with `perf stat -e raw_syscalls:sys_enter,syscalls:sys_enter_<name>` on the server
# process for 3 s of a steady run and divided by the round trips of that period (the
# client's rate x 3 s). Counting tracepoints costs the server a little, so the rates printed
# here are not the benchmark's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh
command -v perf >/dev/null || { echo "bench-echo-syscalls: needs perf (apt-get install linux-perf)" >&2; exit 1; }

JVM_OPTS=(-Xms256m -Xmx256m -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow)
JAR=nbio-bench/target/nbio-bench.jar
read -r -a SERVERS <<< "${SERVERS:-nbio-uring nbio-nio netty-io_uring netty-epoll netty-nio}"
CONNECTIONS=${CONNECTIONS:-50}   # one count: 50 (the throughput shape) or 1 (the latency shape)
OUT=${OUT:-nbio-bench/target/bench-echo-syscalls/$(date +%Y%m%d-%H%M%S)}
EVENTS=raw_syscalls:sys_enter
for call in read write readv writev recvfrom sendto recvmsg sendmsg epoll_wait epoll_pwait epoll_ctl io_uring_enter; do
  if [ -d "/sys/kernel/tracing/events/syscalls/sys_enter_$call" ]; then
    EVENTS="$EVENTS,syscalls:sys_enter_$call"
  fi
done

./mvnw -q -B -ntp -pl nbio-bench -am package -DskipTests
mkdir -p "$OUT"
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill -TERM "$SERVER_PID" 2>/dev/null || true' EXIT

for impl in "${SERVERS[@]}"; do
  log="$OUT/server-$impl.log"
  taskset -c 0 java "${JVM_OPTS[@]}" -jar "$JAR" server --impl "$impl" > "$log" 2>&1 &
  SERVER_PID=$!
  port=""
  for _ in $(seq 150); do
    port=$(sed -n 's/^READY port=//p' "$log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "bench-echo-syscalls: server $impl did not start" >&2; cat "$log" >&2; exit 1; }
  # Warm-up 4 s, then 4 s measured; the count covers 3 s inside the measured period.
  taskset -c 1 java "${JVM_OPTS[@]}" -jar "$JAR" client --port "$port" --server-pid "$SERVER_PID" \
      --connections "$CONNECTIONS" --warmup 4 --duration 4 --max-duration 4 --max-other 100 --label "$impl" --out "$OUT/$impl.tsv" \
      > "$OUT/client-$impl.txt" &
  client=$!
  sleep 4.5
  perf stat -x, -e "$EVENTS" -p "$SERVER_PID" -- sleep 3 2> "$OUT/perf-$impl.csv"
  wait "$client"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true
  SERVER_PID=""
  rate=$(tail -1 "$OUT/$impl.tsv" | cut -f3)
  echo "== $impl ($rate round trips/s while counted)"
  awk -F, -v rate="$rate" '$1 ~ /^[0-9]+$/ && $1 > 0 {
      printf "   %-36s %10d  %5.2f per round trip\n", $3, $1, $1 / (rate * 3) }' "$OUT/perf-$impl.csv"
done
