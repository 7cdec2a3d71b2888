#!/usr/bin/env bash
# Reliability checks that need real processes (issue 10), run after the tests:
#   - graceful shutdown of `node dist/src/server.js` on the embedded PostgreSQL (SIGTERM while
#     requests are in flight; exit < 10 s; the embedded server stops and starts again);
#   - two app processes on one database behind Debian's nginx with deploy/nginx.conf (session,
#     writes, sign-in throttle and chat shared; Secure cookie; failover);
#   - overload: 200 connections on /tasks for RELIABILITY_LOAD_SECONDS (60; 15 with CI=true);
#   - workers (issue 16, issue 15 item 4): WEB_CONCURRENCY workers, one killed is replaced, the
#     embedded PostgreSQL killed with SIGKILL comes back, SIGTERM with it dead exits at once;
#   - SIGTERM under 200 connections behind nginx exits cleanly within the grace period (issue 15 item 5).
# `bash .ci/reliability.sh throughput` (on request only) measures req/s with 1 and 2 workers.
# Installs nginx with apt-get when it is missing. Uses DATABASE_URL, else PostgreSQL on
# 127.0.0.1:5432 when it answers, else an embedded server of its own. Ends every process it starts.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1; then
  echo "== installing nginx"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nginx >/dev/null
  # If the package started its default site, stop it: the check runs an nginx of its own.
  if [ -f /run/nginx.pid ]; then kill -QUIT "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
fi
command -v openssl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }

if [ -z "${DATABASE_URL:-}" ] && pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
fi

echo "== build"
npm run build --silent

echo "== reliability checks"
node --import tsx scripts/reliability/run.ts "$@"
