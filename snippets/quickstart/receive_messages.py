import hashlib
import hmac
import os
from urllib.parse import parse_qs
from wsgiref.simple_server import make_server

SECRET, VERIFY_TOKEN = os.environ["META_APP_SECRET"].encode(), os.environ["WHATSAPP_VERIFY_TOKEN"].encode()


def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "GET":  # Meta's handshake, when you save the callback URL
        query = {key: values[0] for key, values in parse_qs(environ["QUERY_STRING"]).items()}
        token = query.get("hub.verify_token", "").encode()
        ok = query.get("hub.mode") == "subscribe" and hmac.compare_digest(token, VERIFY_TOKEN)
        start_response("200 OK" if ok else "403 Forbidden", [])
        return [query.get("hub.challenge", "").encode() if ok else b""]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))  # an event: the raw body
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()  # its HMAC-SHA256, keyed with the app secret
    ok = hmac.compare_digest(environ.get("HTTP_X_HUB_SIGNATURE_256", "").encode(), expected.encode())
    print(body.decode(errors="replace") if ok else "refused: the signature does not match", flush=True)
    start_response("200 OK" if ok else "403 Forbidden", [])
    return [b""]


make_server("127.0.0.1", int(os.environ.get("PORT", "8080")), app).serve_forever()
