# shellcheck shell=bash
# Shared by fetch-kafka, start-kafka, stop-kafka, smoke-test and fixture-start. Sourced, never run.
#
# Exit codes of every script here:
#   0  done
#   1  failed
#   2  wrong usage
#   3  a prerequisite (Java 17, Maven, python3-confluent-kafka, a started broker) is missing:
#      ctest reports the test as SKIPPED (SKIP_RETURN_CODE 3), except under CI=true where fixture-start
#      and smoke-test turn it into a failure.
#
# Environment:
#   VIGIL_KAFKA_VERSION        Apache Kafka version taken from Maven Central (default below)
#   VIGIL_KAFKA_LOG4J_VERSION  log4j2 version of the slf4j binding added so the broker logs
#   VIGIL_KAFKA_CACHE          cache root; the jars go to $VIGIL_KAFKA_CACHE/kafka-<version>/libs
#                              (default ${XDG_CACHE_HOME:-$HOME/.cache}/vigil)

VIGIL_KAFKA_VERSION="${VIGIL_KAFKA_VERSION:-4.1.2}"
# The log4j2 that kafka-server 4.1.2 itself depends on; the binding must match it.
VIGIL_KAFKA_LOG4J_VERSION="${VIGIL_KAFKA_LOG4J_VERSION:-2.25.3}"

readonly RK_EXIT_MISSING=3
RK_PROG="$(basename "$0")"

rk_say() { printf '%s: %s\n' "$RK_PROG" "$*"; }
rk_err() { printf '%s: error: %s\n' "$RK_PROG" "$*" >&2; }
rk_die() { rk_err "$*"; exit 1; }
# A missing prerequisite: ctest shows the test as skipped.
rk_missing() { printf '%s: SKIPPED: %s\n' "$RK_PROG" "$*" >&2; exit "$RK_EXIT_MISSING"; }

rk_home_dir() {
  local home="${HOME:-}"
  if [[ -z "$home" ]]; then
    home="$(getent passwd "$(id -u)" | cut -d: -f6)" || true
  fi
  [[ -n "$home" ]] || rk_die "neither HOME nor VIGIL_KAFKA_CACHE nor XDG_CACHE_HOME is set"
  printf '%s' "$home"
}

# The directory holding libs/ for the chosen version.
rk_kafka_dir() {
  local root
  if [[ -n "${VIGIL_KAFKA_CACHE:-}" ]]; then
    root="$VIGIL_KAFKA_CACHE"
  elif [[ -n "${XDG_CACHE_HOME:-}" ]]; then
    root="$XDG_CACHE_HOME/vigil"
  else
    root="$(rk_home_dir)/.cache/vigil"
  fi
  printf '%s/kafka-%s' "$root" "$VIGIL_KAFKA_VERSION"
}

rk_libs_complete() { [[ -f "$1/.complete" ]]; }

# Java 17 or newer on PATH (Kafka 4.x brokers need 17).
rk_require_java() {
  command -v java >/dev/null 2>&1 \
    || rk_missing "java not found on PATH: the real Kafka broker needs Java 17+ (Debian: apt-get install openjdk-17-jre-headless)"
  local line major
  line="$(java -version 2>&1 | head -n 1)" || true
  # 'openjdk version "17.0.15" 2025-04-15' or 'java version "1.8.0_392"'
  major="$(sed -E -n 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/p' <<<"$line")"
  if [[ "$major" == 1\ * ]]; then major="${major#1 }"; else major="${major%% *}"; fi
  [[ "$major" =~ ^[0-9]+$ ]] || rk_missing "cannot tell the Java version from: $line"
  ((major >= 17)) || rk_missing "Java $major found, Kafka $VIGIL_KAFKA_VERSION needs Java 17+ (Debian: openjdk-17-jre-headless)"
}

# True while PID runs (a zombie counts as gone: nobody may reap an orphaned broker in a container).
rk_alive() {
  local pid="$1" stat
  kill -0 "$pid" 2>/dev/null || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 0   # no /proc: trust kill -0
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

# True when PID is the broker started for STATE_DIR (guards against a recycled PID).
rk_is_our_broker() {
  local pid="$1" state="$2" cmd
  [[ -r "/proc/$pid/cmdline" ]] || return 0   # no /proc to check against
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *kafka.Kafka*"$state/server.properties"* ]]
}

rk_now() { date +%s.%N; }
rk_elapsed() { awk -v a="$1" -v b="$(rk_now)" 'BEGIN { printf "%.1f", b - a }'; }
