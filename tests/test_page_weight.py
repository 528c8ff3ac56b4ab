"""Issue 18 item 4: every built page transfers at most 1.3x a stock Material page of the seed draft
built in the same run, counted gzip as a gzip-serving host sends it (benchmarks/weight.py). A size,
not a timing, so it is asserted; `python -m benchmarks` reports the same figures per page."""

from __future__ import annotations

from benchmarks import weight


def test_every_page_is_within_the_budget_of_a_stock_material_page(site, tmp_path):
    result = weight.measure(site, tmp_path)
    budget = weight.BUDGET * result["stock_seed_page"]["gzip_bytes"]
    assert len(result["pages"]) > 100, "the per-error pages are measured too"
    heavy = {name: w["gzip_bytes"] for name, w in result["pages"].items() if w["gzip_bytes"] > budget}
    assert not heavy, f"pages over {weight.BUDGET}x the stock page ({budget:.0f} B gzip): {heavy}"
