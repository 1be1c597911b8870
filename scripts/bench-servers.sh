#!/usr/bin/env bash
# HTTP/1.1 plaintext and Redis PING, side by side: nbio's own example servers (`nbio.jar http`
# and `nbio.jar ping`, on the io_uring and NIO backends) against the same replies on Netty 4.2
# (io_uring, epoll and NIO transports, servers in nbio-bench), driven by load generators
# nobody here wrote: wrk and redis-benchmark.
#
#   scripts/bench-servers.sh [--quick | --syscalls]
#
# Workloads (each with CONNECTIONS connections, 50 by default):
#   http  GET /plaintext, keep-alive: wrk -t1 without pipelining, and with DEPTH (16)
#         requests pipelined per connection (scripts/wrk-pipeline.lua);
#   ping  inline PING: redis-benchmark -t ping_inline -P 1, and -P DEPTH.
#
# For each round and each server (the order rotates from round to round), and each
# workload: starts the server alone on core 0 (taskset -c 0), checks that it answers
# correctly (byte for byte for HTTP, the Date aside), then for each pipelining depth runs
# the client alone on core 1 (taskset -c 1): WARMUP seconds unmeasured, then takes of TAKE
# seconds until KEEP takes are kept or MAX_TAKES were made; then stops the server. Prints a
# table per workload and depth: medians over the rounds of requests/s, the ratio to the
# best Netty transport, the server's CPU busy fraction and its CPU time per request.
#
# Full mode: 3 rounds, 5 s warm-up, takes of 5 s, 2 kept (about 13 minutes on a quiet
# machine). --quick: 1 round, 1 s warm-up, one take of 2 s that is always kept, no waiting
# for quiet cores (about a minute and a half with the build): a smoke test that every server
# starts, answers correctly and serves both loads; its figures are not worth quoting.
#
# --syscalls: 1 round, 3 s warm-up, one take of 3 s during which `perf stat` counts the
# server's system calls (raw_syscalls:sys_enter and the syscalls:sys_enter_<name> of the
# calls an event loop makes); prints them per request. Counting costs the server a little,
# so the rates of that run are not the benchmark's figures. Needs perf (Debian: linux-perf).
#
# The machine may be shared: before each server start the script waits up to QUIET_WAIT
# seconds for the cores to be idle, and around each take it reads /proc/stat (both cores'
# busy time) and the server's and the client's CPU time; a take in which other processes
# used more than MAX_OTHER of a core is dropped (not in --quick). Every take, kept or not,
# is in takes.tsv.
#
# Exit status: 0 when every server started, answered correctly and served every load; 1
# otherwise (the failures are listed at the end), so --quick serves as a CI smoke test.
#
# Needs wrk and redis-benchmark (Debian packages wrk and redis-tools): installed with
# apt-get when the script runs as root, otherwise it says how to install them and stops.
#
# Settings (environment): SERVERS, WORKLOADS ("http ping"), CONNECTIONS (50), DEPTH (16),
# ROUNDS, WARMUP, TAKE, KEEP, MAX_TAKES, MAX_OTHER (0.10), QUIET_WAIT (5), OUT (results folder).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk25.sh

QUICK=0
SYSCALLS=0
if [ "${1:-}" = "--syscalls" ]; then
  SYSCALLS=1
  ROUNDS=${ROUNDS:-1}; WARMUP=${WARMUP:-3}; TAKE=${TAKE:-3}; KEEP=${KEEP:-1}; MAX_TAKES=${MAX_TAKES:-1}
  MAX_OTHER=${MAX_OTHER:-1000}
  QUIET_WAIT=${QUIET_WAIT:-0}
elif [ "${1:-}" = "--quick" ]; then
  QUICK=1
  ROUNDS=${ROUNDS:-1}; WARMUP=${WARMUP:-1}; TAKE=${TAKE:-2}; KEEP=${KEEP:-1}; MAX_TAKES=${MAX_TAKES:-1}
  MAX_OTHER=${MAX_OTHER:-1000}   # every take is kept: the quick run checks, it does not measure
  QUIET_WAIT=${QUIET_WAIT:-0}
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--quick | --syscalls]" >&2; exit 2
else
  ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-5}; TAKE=${TAKE:-5}; KEEP=${KEEP:-2}; MAX_TAKES=${MAX_TAKES:-4}
  MAX_OTHER=${MAX_OTHER:-0.10}
fi
read -r -a SERVERS <<< "${SERVERS:-nbio-uring nbio-nio netty-io_uring netty-epoll netty-nio}"
read -r -a WORKLOADS <<< "${WORKLOADS:-http ping}"
CONNECTIONS=${CONNECTIONS:-50}
DEPTH=${DEPTH:-16}
QUIET_WAIT=${QUIET_WAIT:-5}
OUT=${OUT:-nbio-bench/target/bench-servers/$(date +%Y%m%d-%H%M%S)}

# The same JVM settings as the echo benchmark, for every server (see scripts/bench-echo.sh).
JVM_OPTS=(-Xms256m -Xmx256m -XX:+UseSerialGC --sun-misc-unsafe-memory-access=allow)
BENCH_JAR=nbio-bench/target/nbio-bench.jar
NBIO_JAR=nbio-examples/target/nbio.jar
# What TechEmpower's plaintext test sends besides Host, so the servers parse a realistic head.
HTTP_HEADERS=(-H 'Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7'
              -H 'Connection: keep-alive')

if [ "$(nproc)" -lt 2 ]; then
  echo "bench-servers: needs 2 cores (server on core 0, client on core 1); this machine has $(nproc)" >&2
  exit 1
fi

# require TOOL PACKAGE: the load generators come from Debian's packages.
require() {
  command -v "$1" > /dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "== $1 is missing: installing the Debian package $2 (apt-get install -y $2)"
    apt-get install -y -q "$2" > /dev/null 2>&1 || { apt-get update -q > /dev/null && apt-get install -y -q "$2" > /dev/null; }
    command -v "$1" > /dev/null && return
  fi
  echo "bench-servers: $1 is missing and this script is not running as root; install it with" >&2
  echo "  sudo apt-get install -y $2" >&2
  exit 1
}
require wrk wrk
require redis-benchmark redis-tools
require taskset util-linux
if [ "$SYSCALLS" = 1 ]; then
  require perf linux-perf
  EVENTS=raw_syscalls:sys_enter
  for call in read write readv writev recvfrom sendto recvmsg sendmsg epoll_wait epoll_pwait epoll_pwait2 epoll_ctl \
              io_uring_enter futex; do
    if [ -d "/sys/kernel/tracing/events/syscalls/sys_enter_$call" ]; then
      EVENTS="$EVENTS,syscalls:sys_enter_$call"
    fi
  done
fi

echo "== building $BENCH_JAR and $NBIO_JAR"
./mvnw -q -B -ntp -pl nbio-bench,nbio-examples -am package -DskipTests
mkdir -p "$OUT"
TAKES="$OUT/takes.tsv"
printf 'workload\tdepth\tserver\tround\ttake\trequests\tseconds\twall_s\tserver_cpu_s\tserver_user_s\tclient_cpu_s\tother_cores\tkept\n' > "$TAKES"
START=$SECONDS
FAILURES=()

fail() {
  echo "   FAILED: $*" >&2
  FAILURES+=("$*")
}

# ---- /proc readings ------------------------------------------------------------------------

# Busy ticks of cores 0 and 1 together (user, nice, system, irq, softirq).
cores_busy_ticks() {
  awk '/^cpu[01] /{b += $2 + $3 + $4 + $7 + $8} END {print b}' /proc/stat
}

# "utime stime" of a process, in ticks; fields 14 and 15 of /proc/PID/stat, counted after
# the command name, which is in parentheses and may hold spaces.
process_ticks() {
  sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12, $13}' || echo "0 0"
}

TICKS=$(getconf CLK_TCK)

busy_both_cores() {
  local a b
  a=$(awk '/^cpu[01] /{b+=$2+$3+$4+$7+$8; t+=$2+$3+$4+$5+$6+$7+$8+$9} END{print b, t}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu[01] /{b+=$2+$3+$4+$7+$8; t+=$2+$3+$4+$5+$6+$7+$8+$9} END{print b, t}' /proc/stat)
  echo "$a $b" | awk '{ t = $4 - $2; printf "%.2f", (t > 0 ? ($3 - $1) / t : 0) }'
}

wait_until_quiet() {
  local waited=0 busy
  [ "$QUIET_WAIT" -gt 0 ] || return 0
  while [ "$waited" -lt "$QUIET_WAIT" ]; do
    busy=$(busy_both_cores)
    if awk -v b="$busy" 'BEGIN { exit !(b <= 0.05) }'; then
      return
    fi
    waited=$((waited + 1))
  done
  echo "   (the cores are ${busy} busy with other work)"
}

# ---- servers -------------------------------------------------------------------------------

SERVER_PID=""
PORT=""

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      fail "$1: the server did not stop within 10 s of SIGTERM"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server cleanup' EXIT

# start_server IMPL WORKLOAD LOG: starts it on core 0; sets SERVER_PID and PORT.
start_server() {
  local impl=$1 workload=$2 log=$3
  PORT=""
  case "$impl" in
    nbio-*)
      local backend=${impl#nbio-} extra=()
      [ "$workload" = http ] && extra=(--threads 1)
      taskset -c 0 java "${JVM_OPTS[@]}" -jar "$NBIO_JAR" "$workload" --port 0 --backend "$backend" "${extra[@]}" \
          > "$log" 2>&1 &
      ;;
    netty-*)
      taskset -c 0 java "${JVM_OPTS[@]}" -jar "$BENCH_JAR" server --impl "$impl" --service "$workload" > "$log" 2>&1 &
      ;;
    *) echo "bench-servers: unknown server $impl" >&2; exit 2 ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 300); do
    case "$impl" in
      # "nbio http server listening on http://127.0.0.1:PORT/ (backend uring, 1 thread)"
      nbio-*) PORT=$(sed -n "s/^nbio $workload server listening on .*:\([0-9][0-9]*\)\/\{0,1\} (backend ${impl#nbio-}[,)].*/\1/p" "$log") ;;
      netty-*) PORT=$(sed -n 's/^READY port=//p' "$log") ;;
    esac
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$PORT" ]; then
    fail "$impl $workload: the server did not start (or not on the backend asked for); see $log"
    sed 's/^/     /' "$log" >&2
    stop_server "$impl $workload"
    return 1
  fi
  grep -m1 -e '^netty-' -e '^nbio .* listening on' "$log" | sed 's/^/   /'
}

# A response to GET /plaintext as both servers send it, with the Date's value masked.
EXPECTED_PLAINTEXT=$'HTTP/1.1 200 OK\r\nServer: nbio\r\nDate: DATE\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!'

# check_server WORKLOAD PORT: one connection, two pipelined requests, the exact replies.
check_server() {
  local workload=$1 port=$2 got expected
  case "$workload" in
    http)
      expected="$EXPECTED_PLAINTEXT$EXPECTED_PLAINTEXT"
      got=$(exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
            printf 'GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&3
            timeout 5 head -c $((2 * (${#EXPECTED_PLAINTEXT} + 25))) <&3 \
              | sed 's/^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9]\{4\} [0-9][0-9]:[0-9][0-9]:[0-9][0-9] GMT\r$/Date: DATE\r/') || true
      ;;
    ping)
      expected=$'+PONG\r\n+PONG\r\n'
      got=$(exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
            printf 'PING\r\n*1\r\n$4\r\nPING\r\n' >&3
            timeout 5 head -c ${#expected} <&3; printf .) || true
      got=${got%.}   # the dot keeps the final line end from being stripped
      ;;
  esac
  if [ "$got" != "$expected" ]; then
    fail "$3 $workload: wrong answer to the check; expected $(printf '%q' "$expected"), got $(printf '%q' "$got")"
    return 1
  fi
}

# ---- clients -------------------------------------------------------------------------------

CLIENT_OUT="$OUT/client.out"
CLIENT_STAT="$CLIENT_OUT.stat"

# run_client COMMAND...: runs the load generator on core 1. Its CPU time is read from the
# wrapping shell's cutime and cstime (fields 16 and 17) once it has waited for it.
run_client() {
  local perf=()
  [ "$SYSCALLS" = 1 ] && [ "$TAKE_NO" -gt 0 ] && perf=(perf stat -x, -o "$CLIENT_OUT.perf" -e "$EVENTS" -p "$SERVER_PID" --)
  "${perf[@]}" taskset -c 1 bash -c '"$@" > "$0" 2>&1; rc=$?; cat /proc/$$/stat > "$0.stat"; exit $rc' "$CLIENT_OUT" "$@"
}

# client_command WORKLOAD DEPTH PORT AMOUNT: the wrk or redis-benchmark command line; AMOUNT is
# seconds for wrk and requests for redis-benchmark (which has no duration option).
client_command() {
  local workload=$1 depth=$2 port=$3 amount=$4
  case "$workload" in
    http)
      local pipeline=()
      [ "$depth" -gt 1 ] && pipeline=(-s scripts/wrk-pipeline.lua)
      CMD=(timeout $((amount + 60)) wrk -t1 -c"$CONNECTIONS" -d"${amount}s" --timeout 5s "${HTTP_HEADERS[@]}"
           "${pipeline[@]}" "http://127.0.0.1:$port/plaintext")
      [ "$depth" -gt 1 ] && CMD+=(-- "$depth")
      ;;
    ping)
      CMD=(timeout 300 redis-benchmark -h 127.0.0.1 -p "$port" -t ping_inline -c "$CONNECTIONS" -n "$amount"
           -P "$depth" --csv)
      ;;
  esac
}

# parse_client WORKLOAD: sets REQUESTS and SECONDS from the client's output, or fails.
parse_client() {
  local workload=$1
  REQUESTS=""; SECONDS_RUN=""
  case "$workload" in
    http)
      # "  143596 requests in 2.10s, 17.67MB read"
      read -r REQUESTS SECONDS_RUN < <(awk '/ requests in /{ s = $4; sub(/s,$/, "", s); print $1, s }' "$CLIENT_OUT") || true
      if grep -q 'Non-2xx or 3xx responses' "$CLIENT_OUT"; then
        CLIENT_ERROR=$(grep 'Non-2xx or 3xx responses' "$CLIENT_OUT" | sed 's/^ *//')
        return 1
      fi
      # "Socket errors: connect 0, read 3, write 0, timeout 0": connections lost are a failure.
      if grep -q 'Socket errors' "$CLIENT_OUT"; then
        CLIENT_ERROR=$(grep 'Socket errors' "$CLIENT_OUT" | sed 's/^ *//')
        if awk -F'[ ,]+' '/Socket errors/{ exit !($5 + $7 + $9 > 0) }' "$CLIENT_OUT"; then
          return 1
        fi
        echo "   (wrk: $CLIENT_ERROR)"
      fi
      ;;
    ping)
      # "PING_INLINE","191570.88","0.143",...
      local rps
      rps=$(awk -F'"' '/^"PING_INLINE"/{print $4}' "$CLIENT_OUT")
      if [ -n "$rps" ] && awk -v r="$rps" 'BEGIN { exit !(r > 0) }'; then
        REQUESTS=$REQ_N
        SECONDS_RUN=$(awk -v n="$REQ_N" -v r="$rps" 'BEGIN { printf "%.3f", n / r }')
      fi
      ;;
  esac
  if [ -z "$REQUESTS" ] || [ -z "$SECONDS_RUN" ] || [ "$REQUESTS" = 0 ]; then
    CLIENT_ERROR="no result in the client's output: $(tr '\r\n' '  ' < "$CLIENT_OUT" | tail -c 300)"
    return 1
  fi
}

# One client run, measured; appends a line to takes.tsv when TAKE_NO > 0. Returns 1 on failure.
# Sets RATE (requests/s) and OTHER (other processes' load, in cores).
measured_run() {
  local workload=$1 depth=$2 impl=$3 round=$4 amount=$5
  local t0 t1 s0 s1 c0 c1 rc=0 wall server_cpu server_user client_cpu kept
  client_command "$workload" "$depth" "$PORT" "$amount"
  REQ_N=$amount
  s0=$(process_ticks "$SERVER_PID"); c0=$(cores_busy_ticks); t0=$(date +%s.%N)
  run_client "${CMD[@]}" || rc=$?
  t1=$(date +%s.%N); c1=$(cores_busy_ticks); s1=$(process_ticks "$SERVER_PID")
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    CLIENT_ERROR="the server died"
    return 1
  fi
  if [ "$rc" -ne 0 ]; then
    CLIENT_ERROR="the client exited with status $rc: $(tr '\r\n' '  ' < "$CLIENT_OUT" | tail -c 300)"
    return 1
  fi
  parse_client "$workload" || return 1
  read -r wall server_cpu server_user client_cpu OTHER RATE < <(
    echo "$t0 $t1 $s0 $s1 $c0 $c1 $(sed 's/^.*) //' "$CLIENT_STAT" | awk '{print $14 + $15}')" | awk \
      -v hz="$TICKS" -v req="$REQUESTS" -v secs="$SECONDS_RUN" '{
        wall = $2 - $1
        server = ($5 + $6 - $3 - $4) / hz; user = ($5 - $3) / hz
        client = $9 / hz
        other = (($8 - $7) / hz - server - client) / wall
        printf "%.3f %.3f %.3f %.3f %.3f %.1f\n", wall, server, user, client, (other < 0 ? 0 : other), req / secs }')
  if [ "$TAKE_NO" -gt 0 ]; then
    kept=$(awk -v o="$OTHER" -v m="$MAX_OTHER" 'BEGIN { print (o <= m ? 1 : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$depth" "$impl" "$round" "$TAKE_NO" \
        "$REQUESTS" "$SECONDS_RUN" "$wall" "$server_cpu" "$server_user" "$client_cpu" "$OTHER" "$kept" >> "$TAKES"
    KEPT_NOW=$kept
    if [ "$SYSCALLS" = 1 ]; then
      # perf -x, lines: count,unit,event,...; per request, those that happened at all.
      awk -F, -v req="$REQUESTS" -v w="$workload" -v d="$depth" -v s="$impl" -v rate="$RATE" \
          '$1 ~ /^[0-9]+$/ && $1 > 0 { printf "%s\t%s\t%s\t%.0f\t%s\t%d\t%.3f\n", w, d, s, rate, $3, $1, $1 / req }' \
          "$CLIENT_OUT.perf" >> "$OUT/syscalls.tsv"
    fi
  fi
}

# measure WORKLOAD DEPTH IMPL ROUND: warm-up, then takes; one line per take.
measure() {
  local workload=$1 depth=$2 impl=$3 round=$4 kept=0 take=0 amount rates=""
  # Warm-up. redis-benchmark runs for a number of requests: a short first run measures the
  # rate, from which the rest of the warm-up and each take get their request counts.
  TAKE_NO=0
  if [ "$workload" = http ]; then
    measured_run "$workload" "$depth" "$impl" "$round" "$WARMUP" || { fail "$impl $workload depth $depth: $CLIENT_ERROR"; return 1; }
  else
    local unit=$((CONNECTIONS * depth))
    measured_run "$workload" "$depth" "$impl" "$round" $((unit * 200)) \
      || { fail "$impl $workload depth $depth: $CLIENT_ERROR"; return 1; }
    amount=$(awk -v r="$RATE" -v s="$WARMUP" -v u="$unit" 'BEGIN { n = int(r * s / u) * u; print (n > u ? n : u) }')
    measured_run "$workload" "$depth" "$impl" "$round" "$amount" \
      || { fail "$impl $workload depth $depth: $CLIENT_ERROR"; return 1; }
  fi
  while [ "$kept" -lt "$KEEP" ] && [ "$take" -lt "$MAX_TAKES" ]; do
    take=$((take + 1))
    TAKE_NO=$take
    if [ "$workload" = http ]; then
      amount=$TAKE
    else
      amount=$(awk -v r="$RATE" -v s="$TAKE" -v u="$((CONNECTIONS * depth))" \
        'BEGIN { n = int(r * s / u) * u; print (n > u ? n : u) }')
    fi
    measured_run "$workload" "$depth" "$impl" "$round" "$amount" \
      || { fail "$impl $workload depth $depth: $CLIENT_ERROR"; return 1; }
    kept=$((kept + KEPT_NOW))
    rates="$rates $(printf '%.0f' "$RATE")$([ "$KEPT_NOW" = 1 ] || echo "(other load $OTHER, dropped)")"
  done
  echo "   $workload depth $depth: requests/s$rates"
}

# ---- the rounds ----------------------------------------------------------------------------

for round in $(seq "$ROUNDS"); do
  n=${#SERVERS[@]}
  for i in $(seq 0 $((n - 1))); do
    impl=${SERVERS[$(( (i + round - 1) % n ))]}   # each round starts one server later
    for workload in "${WORKLOADS[@]}"; do
      echo "== round $round/$ROUNDS: $impl $workload"
      wait_until_quiet
      log="$OUT/server-$impl-$workload-round$round.log"
      start_server "$impl" "$workload" "$log" || continue
      if check_server "$workload" "$PORT" "$impl"; then
        for depth in 1 "$DEPTH"; do
          measure "$workload" "$depth" "$impl" "$round" || break
        done
      fi
      stop_server "$impl $workload"
    done
  done
done

echo
echo "== $(nproc) cores, Linux $(uname -r), $(java -version 2>&1 | head -1); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)," \
     "$(redis-benchmark --version); $CONNECTIONS connections, pipelining 1 and $DEPTH;" \
     "$ROUNDS round(s) of ${WARMUP}s warm-up + ${KEEP} take(s) of ${TAKE}s kept (at most $MAX_TAKES," \
     "$([ "$QUICK" = 1 ] || [ "$SYSCALLS" = 1 ] && echo "none dropped" || echo "dropped above $MAX_OTHER core of other load"));" \
     "took $((SECONDS - START))s"
if [ "$SYSCALLS" = 1 ]; then
  echo
  echo "System calls of the server per request (perf stat over one take; the rates are not the benchmark's):"
  sort -t$'\t' -s -k1,1 -k2,2n "$OUT/syscalls.tsv" | awk -F'\t' '
    { key = $1 " depth " $2
      if (key != last) { if (line != "") print line; line = ""; server = ""; printf "\n%s\n", key; last = key }
      if ($3 != server) { if (line != "") print line; line = sprintf("  %-15s %8s req/s:", $3, $4); server = $3 }
      name = $5; sub(/^raw_syscalls:sys_enter$/, "all", name); sub(/^syscalls:sys_enter_/, "", name)
      line = line " " name " " $7 }
    END { if (line != "") print line }'
  echo
else
  # The tables also go to report.md (and nbio's rows to summary.tsv), for scripts/bench.sh's page.
  java "${JVM_OPTS[@]}" -jar "$BENCH_JAR" servers-report "$TAKES" | tee "$OUT/report.md" || true
fi
echo
echo "Takes: $TAKES; server logs: $OUT/"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  echo
  echo "FAILED (${#FAILURES[@]}):" >&2
  printf '  %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
