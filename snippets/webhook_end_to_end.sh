#!/usr/bin/env bash
# A customer message end to end, no phone: start the receiver, let mockgraph deliver a signed
# message as Meta would, read the handled line, stop the receiver as systemd would (SIGTERM).
# Run beside the receiver's files, with the demo app's secret (python -m mockgraph prints it).
set -euo pipefail
: "${WHATSAPP_VERIFY_TOKEN:?set it}" "${META_APP_SECRET:?set it}"
PORT="${PORT:-8080}"

python webhook_receiver.py "$PORT" --inbox webhook-inbox.sqlite3 > handled.jsonl &
receiver=$!
until curl -s -o /dev/null "http://127.0.0.1:$PORT/webhook"; do sleep 0.2; done

python -m mockgraph.inject --url "http://127.0.0.1:$PORT/webhook" --text "Where is my order?"
until [ -s handled.jsonl ]; do sleep 0.2; done

kill -TERM "$receiver" && wait "$receiver"
cat handled.jsonl
