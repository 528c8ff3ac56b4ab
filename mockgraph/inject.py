"""python -m mockgraph.inject --url URL --text TEXT [--from DIGITS]: deliver one incoming customer
message to your webhook receiver, signed with the demo app's secret, redelivering until it answers
200 (as Meta does; MOCKGRAPH_WEBHOOK_TIMESCALE compresses the wait, default 0.001)."""

from __future__ import annotations

import argparse
import sys

from mockgraph import webhooks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mockgraph.inject", description=__doc__.split(":")[1].strip())
    parser.add_argument("--url", required=True, help="your receiver, e.g. http://127.0.0.1:8080/webhook")
    parser.add_argument("--text", required=True, help="the customer's message")
    parser.add_argument("--from", dest="from_wa_id", default="15550100123", help="the customer's WhatsApp ID")
    args = parser.parse_args(argv)
    payload, outcomes = webhooks.inject(args.url, args.text, args.from_wa_id)
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    if outcomes[-1] != 200:
        print(f"not delivered: {message_id} ({len(outcomes)} tries, last {outcomes[-1]})", file=sys.stderr)
        return 1
    print(f"delivered {message_id} after {len(outcomes)} {'try' if len(outcomes) == 1 else 'tries'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
