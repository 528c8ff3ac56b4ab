#!/usr/bin/env bash
# List the events whose hook failed every try (one JSON line each: key, kind, tries, error type),
# then, once the cause is fixed, make them due again. Safe beside a running receiver.
set -euo pipefail
python webhook_receiver.py --inbox webhook-inbox.sqlite3 --dead-letters
python webhook_receiver.py --inbox webhook-inbox.sqlite3 --replay-all
