#!/usr/bin/env bash
# A customer message end to end, no phone: start the receiver, let mockgraph deliver a signed
# message as Meta would, read the handled line, stop the receiver as systemd would (SIGTERM).
# Run beside the receiver's files, with WHATSAPP_VERIFY_TOKEN and the demo app's META_APP_SECRET
# set (python -m mockgraph prints it); the first argument picks another port than 8080.
set -euo pipefail
PORT=8080
if [ $# -gt 0 ]; then PORT=$1; fi

python webhook_receiver.py "$PORT" --inbox webhook-inbox.sqlite3 > handled.jsonl &
receiver=$!
until curl -s -o /dev/null "http://127.0.0.1:$PORT/webhook"; do sleep 0.2; done

python -m mockgraph.inject --url "http://127.0.0.1:$PORT/webhook" --text "Where is my order?"
until [ -s handled.jsonl ]; do sleep 0.2; done

kill -TERM "$receiver" && wait "$receiver"
cat handled.jsonl
