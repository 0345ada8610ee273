"""The load of the peak-day benchmark: an asyncio HTTP/1.1 client (standard library only, one
keep-alive connection per virtual user) run as its own process, started by peak_day.py.

    load.py PLAN.json PHASE --users 64 --seconds 30 --max-requests 20000 [--think 1.0]

Phases:
- `mixed`: 60 % reads (half the guide's item page, half the applicant's case through the API),
  30 % submissions (the form with one PDF attachment in one multipart request), 10 % handler
  actions on submitted or accepted cases (accept, request supplement, complete);
- `reads`, `submissions`: one kind only, for the ratios to the ceilings;
- `insert`, `render`: the ceiling views of the same server.

A service on the queued intake answers a submission with 202 and a receipt: the applicant's
next read asks `GET /api/v1/intakes/{receipt}` until the case number is there (then the case
joins their own cases, and the handlers' work).

Each virtual user waits an exponentially distributed think time (mean `--think` seconds, 0 for
none) between two operations. Prints one JSON line: per request kind the latencies, statuses
and errors, and the submissions the server acknowledged (number or receipt, and idempotency
key).
"""

import argparse
import asyncio
import contextlib
import json
import random
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

IDLE_REOPEN_S = 1.5
PDF_BODY = b"%PDF-1.4\n" + b"% benchmark attachment\n" * 900 + b"%%EOF\n"  # about 20 KB


class HttpError(Exception):
    """The connection failed or the answer was not HTTP."""


class Connection:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is not None and time.perf_counter() - self.last_used > IDLE_REOPEN_S:
            # gunicorn closes a keep-alive connection after 2 idle seconds: open a new one
            # rather than race the server's close.
            await self.close()
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                     f"Content-Length: {len(body)}"]
            lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
            try:
                self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
                await self.writer.drain()
                answer = await self._response()
                self.last_used = time.perf_counter()
                return answer
            except (ConnectionError, asyncio.IncompleteReadError, HttpError):
                await self.close()
                # A keep-alive connection the server closed while idle: send again, once. Only
                # safe because nothing was answered; a second failure is an error.
                if attempt == 2:
                    raise
        raise HttpError("unreachable")

    async def _response(self) -> tuple[int, bytes]:
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            raise HttpError("connection closed")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise HttpError(f"bad status line {status_line!r}")
        status = int(parts[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            body = bytearray()
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                body += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
            data = bytes(body)
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data = await self.reader.read()
            close = True
        if close:
            await self.close()
        return status, data


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                      f"{value}\r\n".encode())
    chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                  f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode())
    chunks.append(content + f"\r\n--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(chunks)


class Load:
    """Shared state of one phase: the plan, the clock, the results."""

    def __init__(self, plan: dict[str, Any], phase: str, seconds: float, max_requests: int,
                 think: float, seed: int) -> None:
        self.plan, self.phase, self.think = plan, phase, think
        self.began = time.perf_counter()
        self.deadline = self.began + seconds
        self.max_requests = max_requests
        self.requests = 0
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.acknowledged: list[dict[str, Any]] = []
        self.submitted: list[str] = list(plan.get("submitted", []))  # waiting to be accepted
        self.accepted: list[str] = []  # waiting to be completed
        self.own_cases: dict[str, list[str]] = defaultdict(list)
        # Receipts of queued applications whose case number the applicant has not seen yet.
        self.receipts: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        self.rng = random.Random(seed)
        self.bytes: dict[str, int] = defaultdict(int)
        # Answers per second of the phase, per request kind: whether a rate holds up over the
        # window or sags as it goes on (write-back, vacuum, a growing table).
        self.per_second: dict[str, list[int]] = defaultdict(list)

    def running(self) -> bool:
        return time.perf_counter() < self.deadline and self.requests < self.max_requests

    async def call(self, conn: Connection, kind: str, method: str, path: str, *,
                   expect: tuple[int, ...], token: str = "", body: bytes = b"",
                   content_type: str = "", extra: dict[str, str] | None = None,
                   ) -> tuple[int, bytes]:
        headers = dict(extra or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if content_type:
            headers["Content-Type"] = content_type
        self.requests += 1
        began = time.perf_counter()
        try:
            status, data = await conn.request(method, path, headers=headers, body=body)
        except (OSError, HttpError, asyncio.IncompleteReadError) as exc:
            self.latencies[kind].append((time.perf_counter() - began) * 1000)
            self.errors[kind].append(f"{type(exc).__name__}: {exc}")
            return 0, b""
        answered = time.perf_counter()
        self.latencies[kind].append((answered - began) * 1000)
        second = int(answered - self.began)
        counts = self.per_second[kind]
        counts.extend([0] * (second + 1 - len(counts)))
        counts[second] += 1
        self.statuses[kind][status] += 1
        self.bytes[kind] += len(data)
        if status not in expect:
            self.errors[kind].append(f"{status} {method} {path}: {data[:300]!r}")
        return status, data

    # --- operations --------------------------------------------------------------------

    async def read(self, conn: Connection) -> None:
        applicant = self.rng.choice(self.plan["applicants"])
        waiting = self.receipts.get(applicant["token"])
        if waiting:
            await self.follow_receipt(conn, applicant["token"], waiting)
            return
        own = self.own_cases.get(applicant["token"]) or applicant.get("cases") or []
        if self.rng.random() < 0.5 or not own:
            code = self.rng.choice(self.plan["guide_codes"])
            await self.call(conn, "read: guide item page", "GET", f"/guide/{code}/",
                            expect=(200,))
        else:
            number = self.rng.choice(own)
            await self.call(conn, "read: case (API)", "GET", f"/api/v1/cases/{number}",
                            expect=(200,), token=applicant["token"])

    async def submit(self, conn: Connection) -> None:
        applicant = self.rng.choice(self.plan["applicants"])
        token = applicant["token"]
        item = self.rng.choice(self.plan["submission_items"])
        key = uuid.uuid4().hex
        fields = {"data": json.dumps({"service_code": item["code"], "form": item["form"]},
                                     ensure_ascii=False)}
        if item["material"]:
            fields["material"] = str(item["material"])
        content_type, upload = multipart(fields, "审批单.pdf", PDF_BODY)
        status, data = await self.call(
            conn, "submission (1 request)", "POST", "/api/v1/cases/with-files",
            expect=(201, 202), token=token, body=upload, content_type=content_type,
            extra={"Idempotency-Key": key})
        if status == 202:
            receipt = json.loads(data)["receipt"]
            self.acknowledged.append({"receipt": receipt, "key": key})
            self.receipts[token].append((receipt, item["handled_by_plan"]))
        elif status == 201:
            number = json.loads(data)["number"]
            self.acknowledged.append({"number": number, "key": key})
            self.registered(token, number, item["handled_by_plan"])

    def registered(self, token: str, number: str, handled_by_plan: bool) -> None:
        self.own_cases[token].append(number)
        if handled_by_plan:
            self.submitted.append(number)

    async def follow_receipt(self, conn: Connection, token: str,
                             waiting: list[tuple[str, bool]]) -> None:
        receipt, handled_by_plan = waiting.pop(0)
        status, data = await self.call(conn, "read: receipt (API)", "GET",
                                       f"/api/v1/intakes/{receipt}", expect=(200,),
                                       token=token)
        number = json.loads(data).get("case_number") if status == 200 else None
        if number:
            self.registered(token, number, handled_by_plan)
        elif status == 200:
            waiting.append((receipt, handled_by_plan))

    async def act(self, conn: Connection) -> None:
        token = self.rng.choice(self.plan["handlers"])
        roll = self.rng.random()
        if self.accepted and (roll < 0.3 or not self.submitted):
            number = self.accepted.pop(self.rng.randrange(len(self.accepted)))
            payload: dict[str, Any] = {"action": "complete", "outcome": "approved"}
            kind = "handler: complete"
        elif self.submitted:
            number = self.submitted.pop(self.rng.randrange(len(self.submitted)))
            if roll < 0.8:
                payload, kind = {"action": "accept"}, "handler: accept"
            else:
                payload = {"action": "request_supplement", "reason": "请补正材料",
                           "materials": [{"material": None, "name": "单位用车审批单",
                                          "problem": "缺少单位负责人签字"}]}
                kind = "handler: request supplement"
        else:
            await self.read(conn)
            return
        status, _ = await self.call(
            conn, kind, "POST", f"/api/v1/cases/{number}/actions", expect=(200,), token=token,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            content_type="application/json")
        if status == 200 and payload["action"] == "accept":
            self.accepted.append(number)

    async def ceiling_insert(self, conn: Connection) -> None:
        body = json.dumps({"service_code": "QKB-HY-001", "form": {"topic": "基准"}},
                          ensure_ascii=False).encode()
        await self.call(conn, "ceiling: bare insert", "POST", "/_bench/insert", expect=(201,),
                        body=body, content_type="application/json")

    async def ceiling_render(self, conn: Connection) -> None:
        await self.call(conn, "ceiling: bare render", "GET",
                        f"/_bench/render?bytes={self.plan['render_bytes']}", expect=(200,))

    async def user(self, index: int, host: str, port: int) -> None:
        conn = Connection(host, port)
        operations = {
            "reads": [(self.read, 1.0)],
            "submissions": [(self.submit, 1.0)],
            "mixed": [(self.read, 0.6), (self.submit, 0.3), (self.act, 0.1)],
            "insert": [(self.ceiling_insert, 1.0)],
            "render": [(self.ceiling_render, 1.0)],
        }[self.phase]
        choices, weights = zip(*operations, strict=True)
        if self.think:
            # Users do not all arrive in the same millisecond.
            await asyncio.sleep(self.rng.uniform(0, self.think))
        try:
            while self.running():
                operation = self.rng.choices(choices, weights)[0]
                await operation(conn)
                if self.think:
                    await asyncio.sleep(self.rng.expovariate(1 / self.think))
        finally:
            await conn.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    load = Load(plan, args.phase, args.seconds, args.max_requests, args.think, args.seed)
    began = time.perf_counter()
    await asyncio.gather(*(load.user(i, plan["host"], plan["port"]) for i in range(args.users)))
    elapsed = time.perf_counter() - began
    return {
        "phase": args.phase, "users": args.users, "think_s": args.think,
        "seconds": round(elapsed, 2), "requests": load.requests,
        "latencies": load.latencies, "bytes": load.bytes, "per_second": load.per_second,
        "statuses": {k: dict(v) for k, v in load.statuses.items()},
        "errors": {k: v[:20] for k, v in load.errors.items()},
        "error_counts": {k: len(v) for k, v in load.errors.items()},
        "acknowledged": load.acknowledged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("phase", choices=["mixed", "reads", "submissions", "insert", "render"])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
