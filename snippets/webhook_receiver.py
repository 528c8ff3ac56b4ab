"""A minimal WhatsApp webhook endpoint: answers Meta's verification request and accepts only
event notifications signed with your app secret. Standard library only; put it behind HTTPS.

    WHATSAPP_VERIFY_TOKEN=... META_APP_SECRET=... python webhook_receiver.py 8080
"""

import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


# --8<-- [start:verify]
def subscription_challenge(query, verify_token):
    """Meta's verification GET: echo hub.challenge only if the verify token is ours."""
    params = parse_qs(query)
    mode = params.get("hub.mode", [""])[0]
    token = params.get("hub.verify_token", [""])[0]
    if mode == "subscribe" and hmac.compare_digest(token.encode(), verify_token.encode()):
        return params.get("hub.challenge", [""])[0]
    return None


def signature_is_valid(body, header, app_secret):
    """X-Hub-Signature-256 is "sha256=" + HMAC-SHA256(raw body, app secret). Compare in constant time,
    over the raw bytes: re-serialised JSON would not match."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (header or "").encode())


# --8<-- [end:verify]


class WebhookHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        challenge = subscription_challenge(urlsplit(self.path).query, self.server.verify_token)
        self._reply(200 if challenge is not None else 403, challenge or "verify token mismatch")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not signature_is_valid(body, self.headers.get("X-Hub-Signature-256"), self.server.app_secret):
            self._reply(403, "bad signature")
            return
        self._reply(200, "ok")  # acknowledge first; handle the event after
        self.server.on_event(json.loads(body))

    def _reply(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        # The default log line includes the query string, and with it hub.verify_token.
        sys.stderr.write(f"{self.command} {urlsplit(self.path).path} -> {args[1] if len(args) > 1 else ''}\n")


def print_messages(payload):
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            for message in change.get("value", {}).get("messages", []):
                print(f"{message['from']}: {message.get('text', {}).get('body', '[' + message['type'] + ']')}")


def make_server(port, verify_token, app_secret, on_event=print_messages, host=""):
    server = ThreadingHTTPServer((host, port), WebhookHandler)
    server.verify_token, server.app_secret, server.on_event = verify_token, app_secret, on_event
    return server


if __name__ == "__main__":
    missing = [name for name in ("WHATSAPP_VERIFY_TOKEN", "META_APP_SECRET") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    make_server(port, os.environ["WHATSAPP_VERIFY_TOKEN"], os.environ["META_APP_SECRET"]).serve_forever()
