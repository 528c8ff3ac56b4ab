"""python -m mockgraph [--port N] [--require-appsecret-proof] [--lenient] | --list-tokens | --list-ids
python -m mockgraph doctor [--demo-token NAME] [--json]"""

from __future__ import annotations

import argparse
import sys

from mockgraph.demo import DEMO_APP, DEMO_TOKENS, token_value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["doctor"]:  # the token doctor against this mock (mockgraph/doctor_demo.py)
        try:
            from mockgraph.doctor_demo import main as demo_doctor
        except ModuleNotFoundError as exc:
            if exc.name not in ("snippets", "snippets.doctor"):
                raise
            # An installed mockgraph carries no snippets/ (a top-level name no reader wants installed).
            print("mockgraph doctor runs the guide's snippets/doctor.py: run it in a checkout of the guide.", file=sys.stderr)
            return 2
        return demo_doctor(argv[1:])
    parser = argparse.ArgumentParser(prog="mockgraph", description="A local Graph API for the guide's examples.")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--list-tokens", action="store_true", help="print NAME<TAB>TOKEN<TAB>what it is, and exit")
    parser.add_argument("--list-ids", action="store_true", help="print NAME<TAB>ID of every demo object, and exit")
    parser.add_argument(
        "--require-appsecret-proof",
        action="store_true",
        help="answer code 100 to calls without a valid appsecret_proof (the app's Require App Secret setting)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="accept unversioned paths (default: refuse them, so no example leans on a default version)",
    )
    args = parser.parse_args(argv)

    if args.list_tokens:
        for name, token in DEMO_TOKENS.items():
            print(f"{name}\t{token_value(name)}\t{token.about}")
        return 0

    if args.list_ids:
        from mockgraph.objects import demo_ids

        for name, object_id in demo_ids().items():
            print(f"{name}\t{object_id}")
        return 0

    from mockgraph.server import serve  # imported late: --list-tokens needs no server

    try:
        running = serve(port=args.port, strict=not args.lenient, require_appsecret_proof=args.require_appsecret_proof)
    except OSError as exc:
        print(f"mockgraph: cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); pick another --port", file=sys.stderr)
        return 2
    print(f"mockgraph serving the Graph API at {running.base_url}  (Ctrl+C stops it)", flush=True)
    print(f"export GRAPH_API_BASE={running.base_url}")
    print(f"export META_APP_ID={DEMO_APP.id}")
    print(f"export META_APP_SECRET={DEMO_APP.secret}")
    print("Demo tokens (export WHATSAPP_TOKEN=...):")
    for name, token in DEMO_TOKENS.items():
        print(f"  {name:<16} {token_value(name)}  {token.about}")
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()
    return 0


def cli() -> None:
    """The `mockgraph` command (pyproject.toml [project.scripts])."""
    sys.exit(main())


if __name__ == "__main__":
    cli()
