"""Settings of the peak-day benchmark's server: production settings, plus the benchmark's own
URLs (the ceiling views, never in the product's URLs) and its template folder."""

from qinkuaiban.settings import *  # noqa: F403
from qinkuaiban.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "benchmarks.bench_urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "benchmarks" / "templates"]
