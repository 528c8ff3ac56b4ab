"""The receiver the fault tests kill: snippets/webhook_receiver.py's make_server with hooks that take
a little time (so kills land while hooks run) and one that raises for "poison" messages until the
file named by FAULT_FLAG exists (the database is back). Run like the snippet: PORT --inbox X --workers N."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

from snippets import webhook_receiver
from snippets.webhook_worker import Hooks

FLAG = os.environ.get("FAULT_FLAG", "")
HOOK_SECONDS = float(os.environ.get("FAULT_HOOK_SECONDS", "0.003"))


def on_message(message: dict) -> None:
    time.sleep(HOOK_SECONDS)
    if message["id"].endswith("POISON") and not os.path.exists(FLAG):
        raise RuntimeError("the database is down")


def main() -> None:
    port, inbox, workers = int(sys.argv[1]), sys.argv[3], int(sys.argv[5])
    hooks = Hooks(on_message=on_message, on_status=lambda status, decision: time.sleep(0.002), on_change=lambda f, v: None)
    server = webhook_receiver.make_server(
        port,
        os.environ["WHATSAPP_VERIFY_TOKEN"],
        os.environ["META_APP_SECRET"],
        hooks,
        inbox=inbox,
        workers=workers,
        host="127.0.0.1",
        max_tries=3,
        retry_base=0.05,
    )
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
