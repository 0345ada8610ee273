"""Fault runs against the platform as it runs in production: gunicorn (the documented worker
count, DEBUG off) and the database task worker on PostgreSQL, driven over HTTP on 127.0.0.1 by
a small threaded client, while something breaks.

- `kill_run`: `kill -9` gunicorn workers and the task worker in the middle of a load of case
  submissions and handler actions; then every acknowledged submission must exist exactly once,
  no case may be half-written, numbers must have no gap, every case must have its outbox rows,
  and every SMS must reach the gateway (at least once, deduplicated by its key).
- `outage_run`: stop PostgreSQL for a while under load; every request must get a clear 503
  (the Chinese page, or `{"code": "service_unavailable"}`), and the same server processes must
  serve again as soon as the database is back.

Used by tests/reliability/test_faults.py (short runs in CI) and scripts/fault_runs.py (longer
runs that print their figures). Everything the checks read comes straight from the database
with psycopg, so the same code serves the test database and a throwaway cluster.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
ITEM_CODE = "QKB-FAULT-001"
REQUEST_TIMEOUT = 15.0
RETRY_PAUSE = 0.25
# A submission is retried (same Idempotency-Key) for this long before the client gives up.
RETRY_FOR_SECONDS = 60.0
TRANSPORT_ERRORS = (OSError, http.client.HTTPException, TimeoutError)


def documented_workers() -> int:
    """gunicorn's worker count from docs/deploy.md: 2 × cores + 1."""
    return 2 * (os.cpu_count() or 1) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- an SMS gateway that honours idempotency keys ----------------------------------------------


class Gateway:
    """A local HTTP SMS gateway: counts calls per idempotency key, delivers each key once."""

    def __init__(self, delay: float = 0.05) -> None:
        self.calls: Counter[str] = Counter()
        self.delivered: list[str] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = body["idempotency_key"]
                # A slow provider widens the window in which a worker can die mid-send.
                time.sleep(delay)
                with gateway.lock:
                    gateway.calls[key] += 1
                    if gateway.calls[key] == 1:
                        gateway.delivered.append(key)
                payload = json.dumps({"id": key}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the platform's processes ------------------------------------------------------------------


def platform_env(*, database_url: str, workdir: Path, gateway_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) on this database, with this process's keys (the seeded
    sessions are signed with them); QKB_TESTING only swaps the hashed static storage for the
    plain one, so no collectstatic is needed."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("QKB_FAULTS_SETTINGS", "qinkuaiban.settings"),
        "DATABASE_URL": database_url, "DEBUG": "0", "QKB_HTTPS": "0", "QKB_TESTING": "1",
        "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(workdir / "media"), "QKB_VAR_DIR": str(workdir / "var"),
        "QKB_SMS_BACKEND": "qinkuaiban.notifications.sms.HttpGatewaySmsBackend",
        "QKB_SMS_GATEWAY_URL": gateway_url, "QKB_SMS_GATEWAY_TOKEN": "faults",
        "QKB_TASK_BACKEND": "django_tasks_db.DatabaseBackend", "LOG_LEVEL": "ERROR",
        "QKB_FIELD_KEY": settings.QKB_FIELD_KEY,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


class Platform:
    """What scripts/serve.sh starts: gunicorn, one `db_worker` and the outbox sweeper
    (`deliver_notifications --loop`), started and killed like a supervisor would."""

    def __init__(self, env: dict[str, str], workdir: Path, workers: int) -> None:
        self.env, self.workdir, self.workers = env, workdir, workers
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = (workdir / "platform.log").open("ab")
        self.gunicorn = subprocess.Popen(
            [GUNICORN, "qinkuaiban.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--threads", "2", "--timeout", "60",
             "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
        )
        self.task_worker: subprocess.Popen[bytes] | None = None
        self.sweeper: subprocess.Popen[bytes] | None = None
        try:
            self.start_task_worker()
            self.sweeper = subprocess.Popen(
                [PYTHON, "manage.py", "deliver_notifications", "--loop", "--interval", "2"],
                cwd=ROOT, env=env, stdout=self.log, stderr=self.log,
            )
            self.wait_until_serving()
        except BaseException:
            self.stop()
            raise

    def start_task_worker(self) -> None:
        self.task_worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--queue-name", "default", "--interval", "0.5",
             "--no-startup-delay", "--no-reload"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log,
        )

    def wait_until_serving(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.workdir / 'platform.log'}")
            try:
                status, _body, _type = request(self.port, "GET", "/healthz")
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except TRANSPORT_ERRORS:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start serving in time")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def kill_web_worker(self, index: int = 0) -> int:
        pids = self.worker_pids()
        pid = pids[index % len(pids)]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_task_worker(self) -> None:
        assert self.task_worker is not None
        self.task_worker.kill()
        self.task_worker.wait()

    def alive(self) -> dict[str, bool]:
        """Which of the processes are still running."""
        return {"gunicorn": self.gunicorn.poll() is None,
                "task worker": self.task_worker is not None and self.task_worker.poll() is None,
                "outbox sweeper": self.sweeper is not None and self.sweeper.poll() is None}

    def stop(self) -> None:
        processes = (self.gunicorn, self.task_worker, self.sweeper)
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in processes:
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.log.close()


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# --- HTTP ----------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, *, body: Any = None,
            headers: dict[str, str] | None = None,
            timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes, str]:
    """One request on a new connection (a killed worker takes its connections with it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json"} if payload is not None else {}
        connection.request(method, path, body=payload, headers={**all_headers,
                                                                **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Type", "")
    finally:
        connection.close()


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    status: int  # 0: no HTTP answer (connection refused, reset, timed out)
    detail: str = ""  # for a 5xx, what it said; for a 2xx, why it is not a success

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and not self.detail


@dataclass
class Load:
    """What the clients saw."""

    samples: list[Sample] = field(default_factory=list)
    acknowledged: dict[str, tuple[str, str]] = field(default_factory=dict)  # key: (number, user)
    replays: int = 0
    gave_up: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def _timed(load: Load, kind: str, port: int, method: str, path: str, *, expect: str = "",
           **kwargs: Any) -> tuple[int, bytes, str]:
    """One request, recorded; a 200 without `expect` in its body is recorded as a failure."""
    started = time.monotonic()
    try:
        status, body, content_type = request(port, method, path, **kwargs)
    except TRANSPORT_ERRORS as exc:
        load.add(Sample(kind, started, time.monotonic() - started, 0, type(exc).__name__))
        return 0, b"", ""
    detail = ""
    if status >= 500:
        detail = _error_detail(body, content_type)
    elif status == 200 and expect and expect.encode() not in body:
        detail = "not signed in"
    load.add(Sample(kind, started, time.monotonic() - started, status, detail))
    return status, body, content_type


def _error_detail(body: bytes, content_type: str) -> str:
    """What a 5xx said: the API's error code, or whether the page was the Chinese 503."""
    if content_type.startswith("application/json"):
        try:
            return str(json.loads(body).get("code", ""))
        except ValueError:
            return "invalid json"
    return "503 page" if "服务暂不可用".encode() in body else "other page"


def submitter(load: Load, port: int, token: str, user: str, stop: threading.Event,
              prefix: str) -> None:
    """Submit cases one after another; an unanswered or 5xx submission is retried with the same
    Idempotency-Key, as the mobile app does, until it is acknowledged (201, or 200 replay)."""
    serial = 0
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        serial += 1
        key = f"{prefix}-{serial:05d}"
        body = {"service_code": ITEM_CODE, "form": {"contact_phone": "13800000001"}}
        give_up_at = time.monotonic() + RETRY_FOR_SECONDS
        while time.monotonic() < give_up_at:
            status, raw, _type = _timed(load, "submit", port, "POST", "/api/v1/cases", body=body,
                                        headers={**headers, "Idempotency-Key": key})
            if status in (200, 201):
                with load.lock:
                    load.acknowledged[key] = (json.loads(raw)["number"], user)
                    load.replays += status == 200
                break
            if 400 <= status < 500:
                raise AssertionError(f"submission refused: {status} {raw[:300]!r}")
            time.sleep(RETRY_PAUSE)
        else:
            load.gave_up.append(key)


def handler(load: Load, port: int, token: str, stop: threading.Event) -> None:
    """Work the queue: accept submitted cases and complete accepted ones (an SMS each)."""
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        status, raw, _type = _timed(load, "queue", port, "GET",
                                    "/api/v1/cases?status=submitted", headers=headers)
        numbers = [c["number"] for c in json.loads(raw)["items"]] if status == 200 else []
        for number in numbers[:5]:
            for action, extra in (("accept", {}), ("complete", {"outcome": "approved"})):
                if stop.is_set():
                    return
                _timed(load, "action", port, "POST", f"/api/v1/cases/{number}/actions",
                       body={"action": action, **extra}, headers=headers)
        if not numbers:
            time.sleep(0.2)


def reader(load: Load, port: int, kind: str, path: str, headers: dict[str, str],
           stop: threading.Event, *, expect: str = "") -> None:
    """GET one path again and again; a 200 without `expect` in the body counts as an error
    (a signed-in page served to an anonymous visitor is not a success)."""
    while not stop.is_set():
        _timed(load, kind, port, "GET", path, headers=headers, expect=expect)
        time.sleep(0.05)


@contextmanager
def running(workers: list[Callable[[], None]], stop: threading.Event) -> Iterator[None]:
    threads = [threading.Thread(target=w, daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=RETRY_FOR_SECONDS + REQUEST_TIMEOUT)


def latency_table(load: Load, since: float = 0.0) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in load.samples:
        if sample.started >= since:
            by_kind[sample.kind].append(sample)
    table = {}
    for kind, samples in sorted(by_kind.items()):
        ok = [s.seconds * 1000 for s in samples if s.ok]
        table[kind] = {
            "requests": len(samples), "answered_ok": len(ok),
            "errors": len(samples) - len(ok),
            "p50_ms": round(percentile(ok, 0.50), 1), "p95_ms": round(percentile(ok, 0.95), 1),
            "p99_ms": round(percentile(ok, 0.99), 1),
        }
    return table


# --- seeding (in-process Django, on the database the checks will read) -------------------------


def seed(*, applicants: int = 8) -> dict[str, Any]:
    """The cast, a published item with nothing to attach, applicants with mobiles, tokens."""
    from qinkuaiban.catalogue import services as catalogue_services
    from qinkuaiban.catalogue.models import ServiceItem
    from qinkuaiban.identity.demo import ensure_demo_cast
    from qinkuaiban.identity.models import Organisation
    from qinkuaiban.identity.roles import Role
    from qinkuaiban.identity.services import create_user, grant_role
    from qinkuaiban.identity.tokens import issue_token

    cast = ensure_demo_cast(password="Qkb-Faults-2026!")
    if not ServiceItem.objects.filter(code=ITEM_CODE).exists():
        version = catalogue_services.create_item(
            actor=None, code=ITEM_CODE, kind="generic", category="logistics",
            handling_org=Organisation.objects.get(code="goa-service-centre"),
            content={"name": "故障演练事项", "agency_name": "省机关事务管理局",
                     "conditions": "在职工作人员。", "legal_days": 20, "promised_days": 5,
                     "visits": 0, "channels": ["online"], "complaint_phone": "0791-88009999",
                     "form_fields": [{"name": "contact_phone", "label": "联系电话",
                                      "type": "phone", "required": True}]},
            materials=[],
        )
        catalogue_services.publish_version(actor=None, version=version)
    organ = Organisation.objects.get(memberships__user=cast["zhangsan"],
                                     memberships__role=Role.APPLICANT)
    people = []
    for index in range(applicants):
        user = create_user(actor=None, username=f"fault{uuid.uuid4().hex[:8]}",
                           real_name=f"演练{index:02d}", password=None,
                           mobile=f"139{index:08d}", validate_password=False)
        grant_role(actor=None, user=user, organisation=organ, role=Role.APPLICANT)
        people.append((user.username, issue_token(user=user, name="faults")[0]))
    return {
        "applicants": people,
        "handlers": [issue_token(user=cast["lisi"], name="faults")[0]],
        "zhangsan_token": issue_token(user=cast["zhangsan"], name="faults")[0],
        "zhangsan_cookie": _session_cookie(cast["zhangsan"]),
        "zhangsan_name": cast["zhangsan"].real_name,
    }


def _session_cookie(user: Any) -> str:
    """A signed-in browser's Cookie header (its session is in the database)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


# --- reading the outcome straight from the database ---------------------------------------------


def rows(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        return list(connection.execute(sql).fetchall())


def check_cases(database_url: str, load: Load) -> dict[str, Any]:
    """Acknowledged exactly once; nothing half-written; gap-free; outbox rows for every case."""
    cases = rows(database_url, """
        SELECT c.id, c.number, c.status, c.idempotency_key, u.username
        FROM cases_case c LEFT JOIN identity_user u ON u.id = c.registered_by_id""")
    events = rows(database_url, "SELECT case_id, action FROM cases_caseevent")
    messages = rows(database_url, """SELECT target_id, kind FROM notifications_message
                                     WHERE target_type = 'cases.case'""")
    by_key = Counter((key, user) for _id, _number, _status, key, user in cases)
    number_of = {(key, user): number for _id, number, _status, key, user in cases}
    actions = defaultdict(set)
    for case_id, action in events:
        actions[case_id].add(action)
    outbox = defaultdict(set)
    for target, kind in messages:
        outbox[int(target)].add(kind)
    numbers = sorted(int(number[-6:]) for _id, number, *_rest in cases if number)
    acknowledged = load.acknowledged
    return {
        "cases_in_database": len(cases),
        "acknowledged": len(acknowledged),
        "acknowledged_missing": sum(by_key[(k, u)] == 0 for k, (_n, u) in acknowledged.items()),
        "acknowledged_duplicated": sum(by_key[(k, u)] > 1 for k, (_n, u) in acknowledged.items()),
        "acknowledged_number_differs": sum(
            number_of.get((k, u)) != n for k, (n, u) in acknowledged.items()),
        "committed_but_never_acknowledged": len(
            set(by_key) - {(k, u) for k, (_n, u) in acknowledged.items()}),
        "without_number": sum(1 for _id, number, *_rest in cases if not number),
        "without_created_or_submit_event": sum(
            1 for case_id, *_rest in cases if not {"created", "submit"} <= actions[case_id]),
        "without_outbox_message": sum(
            1 for case_id, *_rest in cases if "cases.submit" not in outbox[case_id]),
        "number_gaps": (numbers[-1] - numbers[0] + 1 - len(numbers)) if numbers else 0,
        "numbers_start_at": numbers[0] if numbers else None,
        "duplicate_numbers": len(numbers) - len(set(numbers)),
        "completed": sum(1 for _id, _n, status, *_rest in cases if status == "completed"),
        "completed_without_sms": rows(database_url, """
            SELECT COUNT(*) FROM cases_case c WHERE c.status = 'completed' AND NOT EXISTS (
              SELECT 1 FROM notifications_message m JOIN notifications_delivery d
                ON d.message_id = m.id
              WHERE m.target_type = 'cases.case' AND m.target_id = c.id::text
                AND m.kind = 'cases.complete' AND d.channel = 'sms')""")[0][0],
    }


def sms_state(database_url: str) -> dict[str, int]:
    return dict(rows(database_url, """SELECT status, COUNT(*) FROM notifications_delivery
                                      WHERE channel = 'sms' GROUP BY status"""))


def settle_deliveries(database_url: str, env: dict[str, str], *, timeout: float) -> dict[str, Any]:
    """Let the (restarted) task worker finish; then recover the claims a killed worker left
    behind as the scheduled `deliver_notifications` does once they expire (10 minutes, moved
    to now here), and report what each step found."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = sms_state(database_url)
        if not state.get("pending") and not state.get("failed"):
            break
        time.sleep(0.5)
    before = sms_state(database_url)
    rows(database_url, """UPDATE notifications_delivery SET next_attempt_at = now()
                          WHERE status = 'sending' RETURNING id""")
    manage("deliver_notifications", env=env)
    tasks = dict(rows(database_url, """SELECT status, COUNT(*)
                                       FROM django_tasks_database_dbtaskresult GROUP BY status"""))
    return {"sms_after_worker": before, "sms_after_sweep": sms_state(database_url),
            "task_rows": tasks}


def gateway_findings(database_url: str, gateway: Gateway) -> dict[str, int]:
    keys = {str(key) for (key,) in rows(
        database_url, "SELECT idempotency_key FROM notifications_delivery WHERE channel = 'sms'")}
    return {
        "sms_deliveries": len(keys),
        "delivered_to_person": len(set(gateway.delivered) & keys),
        "never_reached_gateway": len(keys - set(gateway.calls)),
        "repeated_calls_deduplicated_by_key": sum(n - 1 for n in gateway.calls.values()),
    }


def verify_audit(env: dict[str, str]) -> dict[str, Any]:
    """`verify_audit_trail` against the run's database."""
    try:
        return {"intact": True, "output": manage("verify_audit_trail", env=env).strip()}
    except RuntimeError as exc:
        return {"intact": False, "output": str(exc)}


# --- the scenarios ---------------------------------------------------------------------------


def kill_run(*, database_url: str, workdir: Path, seeded: dict[str, Any], seconds: float = 20.0,
             kill_every: float = 4.0, print_progress: Callable[[str], None] = print,
             ) -> dict[str, Any]:
    """Load for `seconds`, `kill -9` a web worker every `kill_every` seconds and the task worker
    once in the middle (restarted a second later, as systemd would); then check everything."""
    gateway = Gateway()
    env = platform_env(database_url=database_url, workdir=workdir, gateway_url=gateway.url)
    platform = Platform(env, workdir, documented_workers())
    load = Load()
    kills: list[str] = []
    try:
        stop = threading.Event()
        workers: list[Callable[[], None]] = [
            partial(submitter, load, platform.port, token, username, stop, f"s{index}")
            for index, (username, token) in enumerate(seeded["applicants"])
        ]
        workers += [partial(handler, load, platform.port, token, stop)
                    for token in seeded["handlers"]]
        with running(workers, stop):
            started = time.monotonic()
            next_kill, task_worker_killed = kill_every, False
            while (elapsed := time.monotonic() - started) < seconds:
                if elapsed >= next_kill:
                    pid = platform.kill_web_worker(len(kills))
                    kills.append(f"{elapsed:5.1f}s gunicorn worker {pid}")
                    print_progress(f"  kill -9 gunicorn worker {pid} at {elapsed:.1f} s")
                    next_kill += kill_every
                if not task_worker_killed and elapsed >= seconds / 2:
                    platform.kill_task_worker()
                    kills.append(f"{elapsed:5.1f}s task worker")
                    print_progress(f"  kill -9 task worker at {elapsed:.1f} s, restart in 1 s")
                    time.sleep(1)
                    platform.start_task_worker()
                    task_worker_killed = True
                time.sleep(0.05)
        duration = time.monotonic() - started
        deliveries = settle_deliveries(database_url, env, timeout=30)
        findings = {
            "scenario": "kill -9 under load",
            "seconds": round(duration, 1),
            "gunicorn_workers": platform.workers,
            "kills": kills,
            "workers_alive_after": len(platform.worker_pids()),
            "submissions": {
                "acknowledged": len(load.acknowledged), "of_which_replayed": load.replays,
                "given_up": len(load.gave_up),
                "per_second": round(len(load.acknowledged) / duration, 1),
            },
            "requests": latency_table(load),
            "unanswered_requests": Counter(s.detail for s in load.samples if s.status == 0),
            "server_errors": Counter(f"{s.status} {s.detail}" for s in load.samples
                                     if s.status >= 500),
            "database": check_cases(database_url, load),
            "outbox": {**deliveries, **gateway_findings(database_url, gateway)},
            "audit": verify_audit(env),
        }
    finally:
        platform.stop()
        gateway.close()
    return findings


class Cluster:
    """A throwaway PostgreSQL cluster of our own (never the shared one), owned by root's
    `postgres` user through Debian's pg_* wrappers."""

    def __init__(self, *, name: str = "", port: int = 0) -> None:
        # Unique per run: two test runs on one machine must not share (or drop) a cluster.
        self.name = name or f"qkbfaults{os.getpid()}"
        self.port = port or free_port()
        self.version = self._version()
        self.password = uuid.uuid4().hex

    @staticmethod
    def available() -> str:
        """Why this machine cannot run it, or "" when it can."""
        if os.geteuid() != 0:
            return "needs root to create a PostgreSQL cluster"
        for tool in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "runuser"):
            if shutil.which(tool) is None:
                return f"{tool} is missing (Debian's postgresql-common)"
        return ""

    @staticmethod
    def _version() -> str:
        versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: int(p.name))
        return versions[-1].name

    def _run(self, *command: str) -> None:
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        self.drop()
        # Durability is irrelevant for a throwaway cluster; speed is not.
        self._run("pg_createcluster", self.version, self.name, "--port", str(self.port),
                  "--start", "-o", "fsync=off", "-o", "synchronous_commit=off",
                  "-o", "full_page_writes=off", "-o", "max_connections=60")
        self._run("runuser", "-u", "postgres", "--", "psql", "-q", "-p", str(self.port), "-c",
                  f"CREATE ROLE qkbfaults LOGIN CREATEDB PASSWORD '{self.password}'")
        self._run("runuser", "-u", "postgres", "--", "createdb", "-p", str(self.port),
                  "-O", "qkbfaults", "qkbfaults")

    def url_of(self, database: str) -> str:
        return f"postgres://qkbfaults:{self.password}@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        return self.url_of("qkbfaults")

    def create_database(self, name: str) -> str:
        self._run("runuser", "-u", "postgres", "--", "createdb", "-p", str(self.port),
                  "-O", "qkbfaults", name)
        return self.url_of(name)

    def stop(self) -> None:
        self._run("pg_ctlcluster", self.version, self.name, "stop", "-m", "fast")

    def start(self) -> None:
        self._run("pg_ctlcluster", self.version, self.name, "start")

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", self.version, self.name, "--stop"],
                       capture_output=True, check=False, timeout=120)


def outage_run(*, cluster: Cluster, database_url: str, workdir: Path, seeded: dict[str, Any],
               before: float = 4.0, outage: float = 10.0, after: float = 20.0,
               print_progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Load, stop the database for `outage` seconds, start it, and watch until every kind of
    request has been served again (at most `after` seconds)."""
    gateway = Gateway()
    env = platform_env(database_url=database_url, workdir=workdir, gateway_url=gateway.url)
    platform = Platform(env, workdir, documented_workers())
    load = Load()
    token = {"Authorization": f"Bearer {seeded['zhangsan_token']}"}
    cookie = {"Cookie": seeded["zhangsan_cookie"]}
    try:
        pids = (platform.gunicorn.pid, tuple(sorted(platform.worker_pids())))
        stop = threading.Event()
        username, applicant_token = seeded["applicants"][0]
        port = platform.port
        workers: list[Callable[[], None]] = [
            lambda: reader(load, port, "page signed in", "/", cookie, stop,
                           expect=seeded["zhangsan_name"]),
            lambda: reader(load, port, "api with session", "/api/v1/cases", cookie, stop),
            lambda: reader(load, port, "api with token", "/api/v1/cases", token, stop),
            lambda: reader(load, port, "public page", "/guide/", {}, stop),
            lambda: submitter(load, port, applicant_token, username, stop, "o"),
        ]
        with running(workers, stop):
            time.sleep(before)
            print_progress(f"  stopping PostgreSQL ({cluster.name}, port {cluster.port})")
            down_at = time.monotonic()
            cluster.stop()
            stopped_at = time.monotonic()
            time.sleep(max(0.0, outage - (stopped_at - down_at)))
            print_progress("  starting PostgreSQL again")
            start_at = time.monotonic()
            cluster.start()
            up_at = time.monotonic()
            while time.monotonic() - up_at < after:
                if {s.kind for s in list(load.samples) if s.started >= start_at and s.ok} >= {
                    "page signed in", "api with session", "api with token", "public page",
                    "submit",
                }:
                    time.sleep(1.0)
                    break
                time.sleep(0.1)
        # Requests made while the database was certainly down.
        during = [s for s in load.samples if stopped_at <= s.started < start_at]
        first_ok: dict[str, float] = {}
        for sample in sorted(load.samples, key=lambda s: s.started):
            if sample.started >= start_at and sample.ok:
                first_ok.setdefault(sample.kind,
                                    round(sample.started + sample.seconds - start_at, 2))
        after_recovery = [s for s in load.samples
                          if s.kind in first_ok and s.started > start_at + first_ok[s.kind]]
        findings = {
            "scenario": "PostgreSQL stopped under load",
            "outage_seconds": round(start_at - down_at, 1),
            "database_start_seconds": round(up_at - start_at, 1),
            "during_outage": {
                kind: dict(Counter(f"{s.status} {s.detail}".strip() for s in during
                                   if s.kind == kind))
                for kind in sorted({s.kind for s in during})
            },
            "during_outage_max_ms": round(max((s.seconds for s in during), default=0) * 1000),
            # Served again, in seconds after `pg_ctlcluster start` was run.
            "recovered_after_seconds": first_ok,
            "errors_after_recovery": sum(1 for s in after_recovery if not s.ok),
            "same_processes": pids == (platform.gunicorn.pid,
                                       tuple(sorted(platform.worker_pids()))),
            "processes_alive_after": platform.alive(),
            "requests": latency_table(load),
            "submissions": {"acknowledged": len(load.acknowledged),
                            "of_which_replayed": load.replays, "given_up": len(load.gave_up)},
            "database": check_cases(database_url, load),
        }
    finally:
        platform.stop()
        gateway.close()
    return findings

