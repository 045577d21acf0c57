#!/usr/bin/env bash
# The demo site: a Celery worker in the background and Django in the foreground, on the
# embedded defaults (SQLite, filesystem broker). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORTAL_SHOW_DEMO_ACCOUNTS=1
# The demo runs with debug on (a key is made once in var/); the portal's own error pages still show.
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
.venv/bin/celery -A portal worker -B -Q default,tiles --concurrency 2 --loglevel INFO &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo "Portal on http://127.0.0.1:${PORT:-8000}/  (demo accounts are listed on the login page)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
