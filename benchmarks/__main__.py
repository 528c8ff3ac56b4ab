"""python -m benchmarks [--skip-suite] [--json PATH]: measure, print a table, write a JSON report.

Mutation scores come from mutmut's cached results (mutants/), never rerun here: run mutmut first.
Budgets (reported pass/fail, never asserted in tests): 0 third-party requests; at most 30 KB of
assets beyond a stock Material page; the example job under 15 s; mockgraph at least 3,000
requests per second over keep-alive connections; its peak memory under the chunk and big-body
attacks at most 50 MiB above its baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import load, mutation, pages, webhooks, weight

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmarks: {' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return round(elapsed, 1)


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    return f"{os.cpu_count()} cores ({model}), {int(memory) // 1024 // 1024} GiB, Python {platform.python_version()}"


def mock_budgets(report: dict) -> dict[str, bool]:
    read, send = report["mockgraph"]["requests_per_second"], report["mockgraph_send"]["requests_per_second"]
    started = report["mockgraph_startup"]["process_to_first_answer_s"]
    growth = report["mockgraph_attacks"]["peak_growth_mib"]
    return {
        f"mockgraph read >= 2,000 req/s ({read})": read >= 2000,
        f"mockgraph send >= 2,000 req/s ({send})": send >= 2000,
        f"mockgraph start-up < 1 s ({started} s)": started < 1,
        f"mockgraph memory under attack <= +50 MiB (+{growth})": growth <= 50,
    }


def print_mock(report: dict) -> None:
    print(f"Machine: {report['machine']}, load average {report['load_average']:.1f} at the start\n")
    for key, label in (("mockgraph", "read (GET /{waba-id})"), ("mockgraph_send", "send (text message)")):
        mock = report[key]
        print(
            f"mockgraph {label:<22} {mock['requests_per_second']:>6} req/s over {mock['connections']} keep-alive "
            f"connections, p50 {mock['p50_ms']} ms, p99 {mock['p99_ms']} ms"
        )
    started = report["mockgraph_startup"]
    print(
        f"mockgraph start-up              {started['process_to_first_answer_s']} s from `python -m mockgraph` to its "
        f"first answer (GraphMock() alone: {started['app_construct_s']} s)"
    )
    attack = report["mockgraph_attacks"]
    print(
        f"mockgraph under attack          peak memory +{attack['peak_growth_mib']} MiB over {attack['baseline_mib']} MiB; "
        f"chunk attack answered in {attack['chunk_attack_s']} s, 200 MB body in {attack['big_body_s']} s\n"
    )
    for budget, ok in mock_budgets(report).items():
        print(f"{'PASS' if ok else 'FAIL'}  {budget}")
    print()


def webhook_line(hook: dict) -> str:
    return (
        f"webhook receiver        {hook['acks_per_second']:>7} events/s acknowledged ({hook['events']} events, "
        f"{hook['clients']} clients, hooks {hook['hook_seconds']} s each), p50 {hook['p50_ms']} ms, p99 {hook['p99_ms']} ms; "
        f"{hook['handled_when_the_last_was_acknowledged']} handled by then"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--skip-suite", action="store_true", help="skip timing the whole test suite (about a minute)")
    parser.add_argument("--mock-only", action="store_true", help="measure only mockgraph: reads, sends, start-up, attacks")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "report.json"), help="where to write the report")
    parser.add_argument("--only-webhooks", action="store_true", help="measure only the webhook receiver's acknowledgements")
    args = parser.parse_args()
    if args.only_webhooks:
        print(webhook_line(webhooks.measure()))
        return 0

    report: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "load_average": os.getloadavg()[0]}
    report["mockgraph"] = load.measure("read")
    report["mockgraph_send"] = load.measure("send")
    report["mockgraph_startup"] = load.startup()
    report["mockgraph_attacks"] = load.attacks()
    print_mock(report)
    if args.mock_only:
        return 0 if all(mock_budgets(report).values()) else 1
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        report["strict_build_s"] = timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)])
        report["example_job_s"] = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "examples"])
        if not args.skip_suite:
            report["suite_without_browser_s"] = timed(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto", "-m", "not browser and not bump"]
            )
        paths = sorted(
            str(p.parent.relative_to(site)) + "/"
            for p in site.rglob("index.html")
            if p.parent != site and p.parent.name not in {"404", "search"}
        )
        # Every page's gzip weight (computed from the files, cheap); browser timings for the written
        # pages and a sample of the generated error pages (the first, 131047 and the last): the
        # generated pages share one template, so 121 browser loads would add minutes and no insight.
        report["weight"] = weight.measure(site, Path(tmp))
        generated = [p for p in paths if p.startswith("errors/")]
        sample = [p for p in paths if not p.startswith("errors/")]
        sample += sorted({generated[0], "errors/131047/", generated[-1]} & set(generated)) if generated else []
        report["pages"] = pages.measure_site(site, ["", *sample])
    report["mutation"] = mutation.scores(ROOT)  # mutmut's cached results: run mutmut first, it is not rerun here
    report["webhook_receiver"] = webhooks.measure()

    stock = report["pages"]["stock Material page"]["asset_bytes"]
    ours = {k: v for k, v in report["pages"].items() if k != "stock Material page"}
    extra_kb = max(v["asset_bytes"] - stock for v in ours.values()) / 1024
    stock_gzip = report["weight"]["stock_seed_page"]["gzip_bytes"]
    heaviest = max(report["weight"]["pages"].items(), key=lambda item: item[1]["ratio"])
    report["budgets"] = {
        f"every page <= {weight.BUDGET}x a stock Material page of the seed draft, gzip "
        f"(heaviest {heaviest[0]}: {heaviest[1]['ratio']}x)": heaviest[1]["ratio"] <= weight.BUDGET,
        "third-party requests = 0": sum(v["third_party_requests"] for v in ours.values()) == 0,
        f"assets beyond stock Material <= 30 KB (max {extra_kb:.1f} KB)": extra_kb <= 30,
        f"example job < 15 s ({report['example_job_s']} s)": report["example_job_s"] < 15,
        **mock_budgets(report),
        f"webhook acknowledgement p99 < 50 ms with 1 s hooks ({report['webhook_receiver']['p99_ms']} ms)": report[
            "webhook_receiver"
        ]["p99_ms"]
        < 50,
    }

    print(f"Machine: {report['machine']}\n")
    print(f"strict build            {report['strict_build_s']:>7} s")
    print(f"example job             {report['example_job_s']:>7} s")
    if "suite_without_browser_s" in report:
        print(f"suite without browser   {report['suite_without_browser_s']:>7} s")
    print("mutation kill rate (mutmut's cached results in mutants/, the fast selection; aim >= 90 %)")
    for module, score in report["mutation"].items():
        said = score if isinstance(score, str) else f"{score['kill_rate_percent']} % of {score['mutants']} mutants"
        print(f"  {module:<30} {said}")
    print()
    print(webhook_line(report["webhook_receiver"]) + "\n")
    print(
        f"{'page':<30}{'KB':>8}{'assets KB':>11}{'requests':>10}{'3rd-party':>11}{'FCP ms':>9}{'load ms':>9}"
        f"{'4G FCP':>9}{'4G load':>9}"
    )
    for name, row in report["pages"].items():
        print(
            f"{name:<30}{row['bytes'] / 1024:>8.1f}{row['asset_bytes'] / 1024:>11.1f}{row['requests']:>10}"
            f"{row['third_party_requests']:>11}{row['fcp_ms']:>9}{row['load_ms']:>9}"
            f"{row['slow_4g_fcp_ms']:>9}{row['slow_4g_load_ms']:>9}"
        )
    print(f"(4G: Chrome's Slow 4G profile through CDP; {pages.SEED_ORIGIN_NOTE})")
    print(
        f"\nGzip weight per page (HTML + assets it loads + search index, as a gzip-serving host sends them), "
        f"against a stock Material page of the seed draft: {stock_gzip / 1024:.1f} KB"
    )
    print(f"{'page':<30}{'gzip KB':>9}{'stock KB':>10}{'ratio':>7}{'raw KB':>9}")
    for name, row in report["weight"]["pages"].items():
        gzip_kb, raw_kb = row["gzip_bytes"] / 1024, row["raw_bytes"] / 1024
        print(f"{name:<30}{gzip_kb:>9.1f}{stock_gzip / 1024:>10.1f}{row['ratio']:>7}{raw_kb:>9.1f}")
    report["seed_origin"] = pages.SEED_ORIGIN_NOTE
    print()
    for budget, ok in report["budgets"].items():
        print(f"{'PASS' if ok else 'FAIL'}  {budget}")
    Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nreport: {args.json}")
    return 0 if all(report["budgets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
