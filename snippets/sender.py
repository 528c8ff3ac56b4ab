"""A production-ready WhatsApp sender: one session, timeouts, and retries only where a retry can help.

Needs Python 3.9+ and requests (urllib3 comes with it).
"""

import os
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util import Retry

try:  # imported as a package module (python -m snippets.sender, or from your code)
    from . import graph_errors
except ImportError:  # run as a script beside graph_errors.py (python sender.py)
    import graph_errors  # type: ignore[no-redef]

GRAPH = os.environ.get("GRAPH_API_BASE", "https://graph.facebook.com") + "/v26.0"


# --8<-- [start:classify]
class WhatsAppError(Exception):
    """A message was not accepted. `retryable` says whether trying again later can help."""

    def __init__(self, message, code=None, details=None, fbtrace_id=None, retryable=False):
        super().__init__(message)
        self.code, self.details, self.fbtrace_id, self.retryable = code, details, fbtrace_id, retryable


def classify(error):
    """(retry?, what to tell the operator) for a Graph error object. Keys on `code` and
    `error_data.details`, as Meta advises, never on the title or the HTTP status."""
    decision = graph_errors.classify(error)
    code, details = decision.code, decision.details
    if decision.retryable:
        return True, f"Throttled or temporary (code {code}): {details}"
    if decision.action == graph_errors.REAUTHENTICATE:
        return False, f"The access token is expired or revoked (code {code}): generate a new one. {details}"
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return False, f"Permission or asset access missing (code {code}): check the token's scopes and assets. {details}"
    return False, f"Not retryable (code {code}): {details} Fix the request; fbtrace_id {error.get('fbtrace_id')}."


# --8<-- [end:classify]


# --8<-- [start:session]
def whatsapp_session(token, backoff_factor=0.5):
    """One session for all sends: keeps connections open, sends the token in a header, and retries
    refused connections and HTTP 429/5xx with exponential backoff. It never re-sends after a read
    timeout: the message may already have gone out."""
    retry = Retry(
        total=3,
        connect=3,
        read=0,
        status=3,
        backoff_factor=backoff_factor,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=None,  # POST too: a 429 or 5xx answer normally means the message was not taken
        raise_on_status=False,  # hand the last answer back, so its Graph error can be read
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["Authorization"] = f"Bearer {token}"
    return session


# --8<-- [end:session]


# --8<-- [start:send]
def send_message(session, phone_number_id, payload, retries=None, timeout=(5, 30)):
    """POST a message; return Graph's answer. Graph's throttling codes arrive with HTTP 400, which
    urllib3 cannot see into, so they are retried here, on the same urllib3 Retry schedule."""
    retries = retries or Retry(total=4, backoff_factor=1.0)
    url = f"{GRAPH}/{phone_number_id}/messages"
    while True:
        failure = None
        try:
            response = session.post(url, json={"messaging_product": "whatsapp", **payload}, timeout=timeout)
        except requests.RequestException as exc:
            failure = f"{type(exc).__name__} after the session's retries"
        if failure:
            raise WhatsAppError(f"Could not reach the Graph API: {failure}. Check connectivity.", retryable=True)
        try:
            body = response.json()
        except ValueError:
            body = {"error": {"code": None, "message": f"HTTP {response.status_code}, not JSON (a proxy?)"}}
        error = body.get("error")
        if not error:
            return body
        retryable, advice = classify(error)
        if retryable:
            try:
                retries = retries.increment(method="POST", url=url)
            except MaxRetryError:
                advice += f" Gave up after {len(retries.history) + 1} attempts."
            else:
                time.sleep(retries.get_backoff_time())
                continue
        raise WhatsAppError(
            advice, error.get("code"), (error.get("error_data") or {}).get("details"), error.get("fbtrace_id"), retryable
        )


# --8<-- [end:send]


if __name__ == "__main__":
    needed = ("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TEST_RECIPIENT")
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    session = whatsapp_session(os.environ["WHATSAPP_TOKEN"])
    answer = send_message(
        session,
        os.environ["WHATSAPP_PHONE_NUMBER_ID"],
        {"to": os.environ["WHATSAPP_TEST_RECIPIENT"], "type": "text", "text": {"body": "Hello from the sender"}},
    )
    print(f"Accepted: {answer['messages'][0]['id']}")
