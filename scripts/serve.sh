#!/usr/bin/env bash
# Start the task worker and the web server together; stopping one stops the other.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WORKERS:-3}

# The task worker exits when the database goes away (django-tasks-db); restart it, as
# Restart=always does in production (docs/deploy.md).
supervise() { while true; do "$@"; echo "$1 exited ($?); restarting in 5 s" >&2; sleep 5; done; }
# Tasks a killed worker left RUNNING: delivery runs are safe to run again, others are failed.
$PY manage.py recover_stuck_tasks --older-than 600 \
  --requeue qinkuaiban.notifications.tasks.deliver_due_notifications
supervise $PY manage.py db_worker --queue-name default --interval 1 &
worker=$!
# The outbox sweeper recovers deliveries whose worker died mid-send (docs/concurrency.md).
$PY manage.py deliver_notifications --loop --interval 60 &
sweeper=$!
# Case clocks (deemed acceptance, deadline warnings and their notices) every 15 minutes, at
# once on start, as cron does in production (docs/deploy.md).
$PY manage.py sweep_case_clocks --loop --interval 900 &
clocks=$!
# The intake worker registers applications of services on the queued intake (peak days), at a
# lower CPU priority than the web server: receiving an application never waits for registering
# the ones before it (docs/adr/0006-queued-intake.md).
intakes=()
for _ in $(seq "${INTAKE_WORKERS:-1}"); do
  supervise nice -n 19 $PY manage.py process_intakes --loop --interval 1 &
  intakes+=($!)
done
trap 'for p in $worker "${intakes[@]}"; do pkill -P $p 2>/dev/null; done; kill $worker $sweeper $clocks "${intakes[@]}" 2>/dev/null || true' EXIT INT TERM

echo
echo "勤快办已启动：http://$HOST:$PORT/  （按 Ctrl-C 停止）"
# The demo's logins scroll away under the server's log: say once more where they are.
demo_password="${QKB_VAR_DIR:-var}/demo_password"
if [ -f "$demo_password" ]; then
  echo "演示账号见上表（如 zhangsan、lisi、wangwu），密码：$(cat "$demo_password")"
fi
echo
.venv/bin/gunicorn qinkuaiban.wsgi:application \
  --bind "$HOST:$PORT" --workers "$WORKERS" --threads 2 \
  --access-logfile - --graceful-timeout 10 --timeout 60
