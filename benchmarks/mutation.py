"""Mutation scores per module, read from mutmut's cached results (mutants/<path>.meta): never rerun here.

Run mutmut first, one module at a time (see README, "Mutation testing"); a module it has not run
yet is reported as such. Kill rate = mutants killed (a test failed, timed out, or the type check
caught it) / mutants checked.
"""

from __future__ import annotations

import json
from pathlib import Path

# Module -> the functions that count (None: all). The webhook receiver counts only its protocol
# functions (the signature check and the verification handshake): the rest is being rewritten.
MODULES: dict[str, tuple[str, ...] | None] = {
    "snippets/graph_errors.py": None,
    "snippets/sender.py": None,
    "snippets/graph_http.py": None,
    "snippets/webhook_receiver.py": ("signature_is_valid", "subscription_challenge"),
    "guide_data/drift.py": None,
}
KILLED = {1, 3, 24, -24, 36, 37, 152, 255}  # mutmut's exit codes for killed, timeout and caught by type check


def scores(root: Path) -> dict[str, dict[str, float | int] | str]:
    report: dict[str, dict[str, float | int] | str] = {}
    for path, functions in MODULES.items():
        meta = root / "mutants" / f"{path}.meta"
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"] if meta.is_file() else {}
        if functions:
            codes = {key: code for key, code in codes.items() if any(f"x_{name}__mutmut_" in key for name in functions)}
        checked = [code for code in codes.values() if code is not None]
        if not checked:
            module = path.removesuffix(".py").replace("/", ".")
            globs = [f"{module}.x_{name}*" for name in functions] if functions else [f"{module}*"]
            report[path] = "not run yet: " + " ".join(f'mutmut run "{glob}"' for glob in globs)
            continue
        killed = sum(code in KILLED for code in checked)
        report[path] = {
            "mutants": len(checked),
            "killed": killed,
            "not_checked": len(codes) - len(checked),
            "kill_rate_percent": round(100 * killed / len(checked), 1),
        }
    return report
