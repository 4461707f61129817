#!/bin/sh
# dtp-gate.sh — gate a CI pipeline on DTP conformance, in any CI that has a POSIX shell:
# start your server, wait until it answers its metadata URL, run `dtp test` with JUnit,
# HTML and JSON reports, and exit with dtp's exit code.
#
#   DTP_SERVER_CMD='./my-server --port 8080' DTP_URL=http://127.0.0.1:8080 sh dtp-gate.sh
#
# Environment (all optional but one of DTP_SERVER_CMD / DTP_URL):
#   DTP_SERVER_CMD         command that runs your server in the foreground (run with sh -c,
#                          stopped with SIGTERM when the tests end); unset: already running
#   DTP_URL                base URL (issuer) of your server; unset: the first http(s) URL
#                          that the server prints (for servers started on a free port)
#   DTP_WAIT               seconds to wait for the metadata URL (default 60)
#   DTP_CONFIG             target config (default: dtp.config.json if it exists)
#   DTP_EXPECTED_FAILURES  known failures (default: dtp.expected-failures.json if it exists)
#   DTP_REPORTS            reports directory (default: reports): dtp.xml (JUnit),
#                          dtp.html, dtp.json, server.log
#   DTP_ARGS               more arguments for dtp test, split on spaces ("--area refresh")
#   DTP                    how to run the kit, split on spaces; default: the kit this script
#                          belongs to (its checkout, after npm ci there), else `dtp` on PATH
#
# Exit codes: those of dtp test (0 conformant, 1 a check failed or an expected failure
# is stale, 2 usage, config or unreachable target); 2 as well when the server exits or does
# not answer within DTP_WAIT seconds.
set -eu

wait_for=${DTP_WAIT:-60}
reports=${DTP_REPORTS:-reports}
kit=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd || true)
if [ -n "${DTP:-}" ]; then
  dtp=$DTP
elif [ -f "$kit/bin/dtp.js" ] && [ -x "$kit/node_modules/.bin/node" ]; then
  dtp="$kit/node_modules/.bin/node $kit/bin/dtp.js"
elif command -v dtp >/dev/null 2>&1; then
  dtp=dtp
else
  printf '%s\n' "dtp-gate: cannot find the DTP kit: run npm ci in its checkout, or set DTP (e.g. DTP='node /path/to/dtp/bin/dtp.js')" >&2
  exit 2
fi
config=${DTP_CONFIG:-}
expected=${DTP_EXPECTED_FAILURES:-}
if [ -z "$config" ] && [ -f dtp.config.json ]; then config=dtp.config.json; fi
if [ -z "$expected" ] && [ -f dtp.expected-failures.json ]; then
  expected=dtp.expected-failures.json
fi
mkdir -p "$reports"
log="$reports/server.log"

say() { printf 'dtp-gate: %s\n' "$*" >&2; }

server=
stop_server() {
  [ -n "$server" ] || return 0
  # The server runs in its own process group (setsid) when possible: stop all of it.
  kill -TERM -"$server" 2>/dev/null || kill -TERM "$server" 2>/dev/null || true
  if command -v pkill >/dev/null 2>&1; then pkill -TERM -P "$server" 2>/dev/null || true; fi
  (
    sleep 10
    kill -KILL -"$server" 2>/dev/null || kill -KILL "$server" 2>/dev/null
  ) >/dev/null 2>&1 &
  killer=$!
  wait "$server" 2>/dev/null || true
  i=0
  while kill -0 -"$server" 2>/dev/null && [ "$i" -lt 100 ]; do
    sleep 0.1 2>/dev/null || sleep 1
    i=$((i + 1))
  done
  kill "$killer" 2>/dev/null || true
  server=
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The wrapper writes the server's exit status to $exited when it ends on its own.
exited="$reports/.server-exited"
rm -f "$exited"
if [ -n "${DTP_SERVER_CMD:-}" ]; then
  wrapper="($DTP_SERVER_CMD
)"'
echo "$?" > "$0"'
  if command -v setsid >/dev/null 2>&1; then
    setsid sh -c "$wrapper" "$exited" >"$log" 2>&1 </dev/null &
  else
    sh -c "$wrapper" "$exited" >"$log" 2>&1 </dev/null &
  fi
  server=$!
  say "started the server (pid $server): $DTP_SERVER_CMD"
elif [ -z "${DTP_URL:-}" ]; then
  say "set DTP_URL (a running server) or DTP_SERVER_CMD (a command that starts one)"
  exit 2
fi

# RFC 8414 §3: https://as.example/tenant → https://as.example/.well-known/oauth-authorization-server/tenant
metadata_url() {
  scheme=${1%%://*}
  rest=${1#*://}
  hostport=${rest%%/*}
  path=${rest#"$hostport"}
  path=${path%/}
  printf '%s://%s/.well-known/oauth-authorization-server%s' "$scheme" "$hostport" "$path"
}

answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 5 "$1" 2>/dev/null
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O /dev/null -T 5 "$1" 2>/dev/null
  else
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
  fi
}

url=${DTP_URL:-}
start=$(date +%s)
while :; do
  if [ -f "$exited" ]; then
    say "the server exited (status $(cat "$exited")) before answering; its output ($log):"
    tail -n 40 "$log" >&2 || true
    exit 2
  fi
  if [ -z "$url" ] && [ -f "$log" ]; then
    url=$(grep -Eo 'https?://[^][[:space:]"<>]+' "$log" | head -n 1 || true)
    url=${url%[.,;:)]}
    if [ -n "$url" ]; then say "the server printed $url"; fi
  fi
  if [ -n "$url" ] && answers "$(metadata_url "$url")"; then break; fi
  if [ $(($(date +%s) - start)) -ge "$wait_for" ]; then
    say "no answer from ${url:-the server (it printed no URL)} within ${wait_for}s"
    if [ -n "$server" ]; then tail -n 40 "$log" >&2 || true; fi
    exit 2
  fi
  sleep 0.2 2>/dev/null || sleep 1
done
say "$(metadata_url "$url") answers; running dtp test"

set -- test "$url" --report "junit=$reports/dtp.xml,html=$reports/dtp.html,json=$reports/dtp.json"
if [ -n "$config" ]; then set -- "$@" --config "$config"; fi
if [ -n "$expected" ]; then set -- "$@" --expected-failures "$expected"; fi
status=0
# $dtp and $DTP_ARGS are split on spaces on purpose.
# shellcheck disable=SC2086
$dtp "$@" ${DTP_ARGS:-} || status=$?
say "dtp test exited with $status; reports in $reports/"
exit "$status"
