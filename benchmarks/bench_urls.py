"""The product's URLs plus the two ceiling views of the peak-day benchmark under /_bench/."""

from django.urls import include, path

from benchmarks import ceiling

urlpatterns = [
    path("_bench/insert", ceiling.insert, name="bench_insert"),
    path("_bench/render", ceiling.render_page, name="bench_render"),
    path("", include("qinkuaiban.urls")),
]
