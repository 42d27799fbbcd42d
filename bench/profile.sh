#!/usr/bin/env bash
# Profiles the release server under load: `bench/profile.sh [current_user|page]`.
# Starts target/release/server (built by `make bench` or `make release`) on a
# fresh SQLite database, registers a user, loads one workload with wrk for 14 s,
# records the server with `perf record -g` for 10 s of it, and prints the
# hottest symbols. Needs perf (apt-get install linux-perf) and wrk.
set -euo pipefail

workload=${1:-current_user}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/latchkey-profile-XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

DATABASE_URL="sqlite://$dir/latchkey.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_ENV=PROD RUST_LOG=warn \
  "$root/target/release/server" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

COOKIE=$(curl -s -D - -o /dev/null -H "Origin: $base" \
  --data "username=profiled&password=correct horse battery staple" "$base/api/register" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | tr -d '\r' | paste -sd';' -)
export COOKIE ORIGIN=$base
case $workload in
  current_user) wrk -t2 -c32 -d14s --latency -s "$root/bench/post.lua" "$base/api/current_user" >"$dir/wrk.txt" & ;;
  page) wrk -t2 -c32 -d14s --latency -s "$root/bench/get.lua" "$base/settings/profile" >"$dir/wrk.txt" & ;;
  *) echo "usage: $0 [current_user|page]" >&2; exit 2 ;;
esac
load=$!
sleep 2
perf record -F 999 -g -p "$server" -o "$dir/perf.data" -- sleep 10 >/dev/null 2>&1
wait $load
grep -E "Requests/sec|50%|99%" "$dir/wrk.txt"
perf report -i "$dir/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null \
  | grep '%' | cut -c1-140 | head -30
