"""The ceilings of the peak-day benchmark: the least a Django view on this server and database
can do for a write and for a page. The platform's figures are read as shares of these.

- `insert`: parse a JSON body, insert one row in one transaction, answer 201 with JSON;
- `render`: render a template of a given size (?bytes=N) with the site's context processors.

Both pass through the whole middleware stack, like every product request. The table
`bench_ceiling` is created by peak_day.py in the benchmark's own database."""

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

TABLE_SQL = ("CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, "
             "payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
LINE = "勤快办 ceiling line for the bare render view, about one hundred bytes long: 0123456789"


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> JsonResponse:
    """One row, one transaction."""
    payload = json.loads(request.body or b"{}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling (payload) VALUES (%s) RETURNING id",
                       [json.dumps(payload)])
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


@require_GET
def render_page(request: HttpRequest) -> HttpResponse:
    """A page of about ?bytes=N bytes from a template, no database."""
    size = min(max(int(request.GET.get("bytes", "10000")), 100), 2_000_000)
    lines = range(max(1, size // (len(LINE.encode()) + 8)))
    return render(request, "benchmarks/ceiling.html", {"lines": lines, "line": LINE})
