#!/usr/bin/env bash
# Load test of the production configuration on loopback: gunicorn + PostgreSQL + demo data,
# 50 concurrent users for 60 s; prints p95 latency and error rate per endpoint.
# Usage (from the repository root): benchmarks/loadtest/run.sh   (USERS=50 DURATION=60s PORT=8089)
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${USERS:-50}; DURATION=${DURATION:-60s}; PORT=${PORT:-8089}
DB=khuyencong_load
make install >/dev/null
.venv/bin/pip install --quiet -e '.[bench]'
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE ${DB}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}" DB_CONN_MAX_AGE=60
KHUYENCONG_ENV=development .venv/bin/khuyencong migrate --noinput >/dev/null
KHUYENCONG_ENV=development .venv/bin/khuyencong load_demo >/dev/null
# Production settings, except TLS: the test talks plain HTTP to loopback.
export KHUYENCONG_ENV=production SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export STATIC_ROOT="$(mktemp -d)" AXES_FAILURE_LIMIT=1000 LOG_LEVEL=WARNING GUNICORN_BIND="127.0.0.1:${PORT}"
.venv/bin/khuyencong collectstatic --noinput >/dev/null
.venv/bin/gunicorn -c config/gunicorn_conf.py config.wsgi --access-logfile /dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:${PORT}/healthz" >/dev/null && break; sleep 1; done
.venv/bin/locust -f benchmarks/loadtest/locustfile.py --headless --host "http://127.0.0.1:${PORT}" \
  -u "$USERS" -r 10 -t "$DURATION" --csv var/loadtest --only-summary >/dev/null 2>&1 || true
.venv/bin/python - <<'PY'
import csv
rows = list(csv.DictReader(open("var/loadtest_stats.csv")))
print(f"{'endpoint':34} {'requests':>9} {'errors %':>9} {'median ms':>10} {'p95 ms':>8}")
for r in rows:
    n = int(r["Request Count"]); f = int(r["Failure Count"])
    print(f"{r['Name'][:34]:34} {n:9d} {100 * f / max(n, 1):9.2f} {r['50%']:>10} {r['95%']:>8}")
PY
