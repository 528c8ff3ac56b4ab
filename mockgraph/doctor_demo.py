"""python -m mockgraph doctor [--demo-token NAME] [--json]: the token doctor run against this mock.

The demo lives on mockgraph's side so that the doctor a reader copies (snippets/doctor.py) carries
no test scaffolding and imports nothing from mockgraph: this module starts the mock, sets the
environment a reader would have exported for the chosen demo token, and runs the doctor's own
main() with it."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping

from mockgraph.demo import CUSTOMER_PHONES, DEMO_APP, DEMO_TOKENS, OWN_PHONE, OWN_WABA, token_value
from snippets import doctor


@contextlib.contextmanager
def demo_environment(token_name: str) -> Iterator[dict[str, str]]:
    """A running mockgraph and the environment a reader would export for the demo token."""
    from mockgraph.server import serve

    demo = DEMO_TOKENS[token_name]
    waba = demo.targets[0] if demo.targets else OWN_WABA
    running = serve(quiet=True)
    try:
        yield {
            "GRAPH_API_BASE": running.base_url,
            "WHATSAPP_TOKEN": token_value(token_name),
            "META_APP_ID": DEMO_APP.id,
            "META_APP_SECRET": DEMO_APP.secret,
            "WHATSAPP_WABA_ID": waba,
            "WHATSAPP_PHONE_NUMBER_ID": CUSTOMER_PHONES.get(waba, OWN_PHONE),
        }
    finally:
        running.stop()


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Every argument but --demo-token goes to the doctor; `environ` (the process environment when
    run) supplies the rest, e.g. SITE_URL."""
    parser = argparse.ArgumentParser(prog="python -m mockgraph doctor", description="The token doctor against mockgraph.")
    parser.add_argument("--demo-token", default="healthy", metavar="NAME", help="python -m mockgraph --list-tokens")
    args, rest = parser.parse_known_args(argv)
    out = sys.stderr if "--json" in rest else sys.stdout
    if args.demo_token not in DEMO_TOKENS:
        reason = f"unknown demo token {args.demo_token!r}; choose one of: {', '.join(DEMO_TOKENS)}"
        print(f"doctor: {reason}", file=sys.stderr)
        if "--json" in rest:  # JSON on every path, as the doctor itself does
            print(json.dumps({"status": "could-not-check", "exit_code": doctor.COULD_NOT_CHECK, "reason": reason}, indent=2))
        return doctor.COULD_NOT_CHECK
    with demo_environment(args.demo_token) as demo:
        print(f"doctor: using mockgraph and the demo token {args.demo_token!r}", file=out, flush=True)
        return doctor.main(rest, environ={**(os.environ if environ is None else environ), **demo})
