"""One bounded HTTP call to the Graph API, shared by the startup check, the sender and the doctor.

What `requests` alone does not give a production caller:

- **A total deadline.** requests' `timeout` bounds each socket read, so a server that sends one
  byte per second never trips it. Here the call runs in a worker thread and the caller stops
  waiting at the deadline; the worker reads the body in small pieces and gives up at the same
  deadline, and a server (or proxy) still silent or dripping its answer then has the call's
  connection shut, so no thread is left reading on a session you reuse. (A connection still being
  set up at the deadline, TCP connect or TLS handshake, cannot be shut from outside: its connect
  timeout bounds each of its waits, so keep that shorter than the deadline; the caller waits for
  it half a second at most, and once set up it closes itself instead of sending.) A deadline that
  has already passed sends nothing. The request goes
  through an adapter of this module's, one per session, whose pools, direct or through a proxy,
  record which connection each call uses; connections stay open between calls, but adapters you
  mounted on the session are not used.
- **No redirects.** A 3xx is handed back, never followed: following one would send the request,
  token header and message body included, to whatever host the `Location` names.
- **A body size cap**, so a huge answer cannot exhaust memory.
- **No secret in logs or exceptions.** urllib3 logs each request line, query string included, at
  DEBUG: the secrets in it are masked (the filter goes on at the first request, not at import).
  requests' exceptions embed the full URL, so they are turned into graph_errors' family outside
  the `except` block and never chained: GraphFailure with `sent=False` when the request certainly
  never left, MayHaveTakenEffect when it left and no complete answer came back.

Times: `stop_at` is an absolute time.monotonic() value; every `deadline` in the snippets is a
duration in seconds. Needs Python 3.10+ and requests. Copy it, graph_errors.py and
graph_error_actions.json beside the snippet that imports it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json as jsonlib
import logging
import re
import socket
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import PoolManager
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import NewConnectionError

try:  # imported as a package module (from snippets import graph_http)
    from .graph_errors import GraphFailure, MayHaveTakenEffect
except ImportError:  # run beside its siblings as plain files
    from graph_errors import GraphFailure, MayHaveTakenEffect  # type: ignore[no-redef,import-not-found]

# Pin the version: an unversioned URL silently follows the app's default version.
DEFAULT_BASE_URL, API_VERSION = "https://graph.facebook.com", "/v26.0"
DEFAULT_DEADLINE = 60.0  # seconds for a whole call or send, retries and waits included
MAX_BODY = 1_000_000  # bytes: Graph's answers to these calls are a few kilobytes


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: `body` is the parsed JSON (any JSON value), or None when it was not JSON."""

    status: int
    content_type: str
    body: Any
    retry_after: float | None  # seconds, from a Retry-After header in seconds


def _mask_urllib3_log() -> None:
    """urllib3 logs each request line at DEBUG, query string included: mask the secrets in it. Done at
    the first request rather than at import, and only once."""
    log = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactSecrets) for f in log.filters):
        log.addFilter(_RedactSecrets())


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """HMAC-SHA256 of the access token keyed with the app secret, hex: what "Require App Secret" asks for."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def graph_url(path: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The versioned URL of a Graph path, e.g. graph_url("/debug_token")."""
    return base_url.rstrip("/") + API_VERSION + path


# Query parameters that carry a secret: tokens (the one to exchange for a long-lived one included),
# the proof, and the OAuth code exchange's app secret and single-use code.
SECRET_PARAMS = ("input_token", "access_token", "fb_exchange_token", "appsecret_proof", "client_secret", "code")


class _RedactSecrets(logging.Filter):
    # Built from SECRET_PARAMS, so a parameter added there is masked in the log too. The lookbehind
    # keeps `error_code=` and the like readable; `code` is an Embedded Signup code.
    _secret = re.compile(rf"((?<![\w])(?:{'|'.join(SECRET_PARAMS)})=)[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._secret.sub(r"\1***", record.getMessage()), ()
        return True


def secrets_in(headers: Mapping[str, str | bytes], params: Mapping[str, Any], body: Any = None) -> list[str]:
    """The secrets a request carries, wherever they travel: the Authorization header's credential
    (HTTP header names are case-insensitive, so any spelling counts), the app secret inside an app
    token (APP_ID|APP_SECRET), and the secret parameters in the query or a JSON body."""
    sources = [where for where in (params, body) if isinstance(where, Mapping)]
    found = [str(where[name]) for where in sources for name in SECRET_PARAMS if where.get(name)]
    authorization = CaseInsensitiveDict(headers).get("Authorization") or ""
    if isinstance(authorization, bytes):  # requests accepts bytes header values too
        authorization = authorization.decode("latin-1")
    scheme, _, credential = authorization.strip().partition(" ")
    found.append(credential.strip() or scheme)  # "Bearer <token>", or a bare token with no scheme
    found += [value.partition("|")[2] for value in found]  # an app token APP_ID|APP_SECRET carries the secret
    return [s for s in found if len(s) >= 8]


def mask(text: str, secrets: list[str]) -> str:
    """Replace every secret, plain or URL-encoded, with ***: a gateway may echo the request back."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    seconds = value.strip()
    if seconds.isascii() and seconds.isdecimal():  # "²" is a digit to isdigit()
        return float(seconds)
    return None  # an HTTP date or garbage: the caller's own backoff applies


def _no_answer(exc: requests.RequestException) -> GraphFailure:
    if _was_sent(exc):
        return MayHaveTakenEffect(_describe(exc))
    return GraphFailure(_describe(exc), retryable=True, sent=False)  # never left: sending again is harmless


def _was_sent(exc: requests.RequestException) -> bool:
    """Whether the request may have reached the server before `exc` happened."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return False  # no connection, or the TLS handshake failed: nothing was sent
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0] if exc.args else None, "reason", None)
        return not isinstance(reason, NewConnectionError)  # refused or DNS: never connected
    return True  # read timeouts, resets after sending, broken bodies: the server may have it


def _describe(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "Could not reach the Graph API: no connection within the connect timeout."
    if isinstance(exc, requests.exceptions.SSLError):
        return "Could not reach the Graph API: the TLS handshake failed."
    if not _was_sent(exc):
        return "Could not reach the Graph API: the connection was refused or the host could not be resolved."
    if isinstance(exc, requests.ReadTimeout):
        return "The request was sent but no answer came within the read timeout."
    return f"The request was sent but the connection broke before a complete answer ({type(exc).__name__})."


class _ShuttableAdapter(HTTPAdapter):
    """requests' adapter, whose pools (direct, or through any proxy) record each connection a call
    takes in that call's own list, so that the caller can shut the one a late worker still reads from."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _record_connections(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        made = proxy not in self.proxy_manager  # requests keeps one manager per proxy
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if made:
            _record_connections(manager)  # a proxy's pools hand out connections of their own
        return manager


_call = threading.local()  # in a worker thread: `connections`, the list its call's pools append to


def _record_connections(manager: PoolManager) -> None:
    manager.pool_classes_by_scheme = {
        scheme: _recording(pool_class) for scheme, pool_class in manager.pool_classes_by_scheme.items()
    }


@functools.cache
def _recording(pool_class: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
    """`pool_class` (plain, TLS, SOCKS...), recording each connection it hands out in the calling
    worker's list. Cached: one subclass per pool class, however many sessions there are."""

    class Recording(pool_class):  # type: ignore[valid-type,misc]
        ConnectionCls = _bounded(pool_class.ConnectionCls)

        def _get_conn(self, timeout: float | None = None) -> Any:
            conn = super()._get_conn(timeout)
            getattr(_call, "connections", []).append(conn)
            return conn

    return Recording


@functools.cache
def _bounded(connection_class: type[Any]) -> type[Any]:
    """`connection_class`, closing itself instead of sending when its set-up (TCP connect, proxy
    tunnel, TLS handshake) ends after the calling worker's deadline: the caller has already been
    told the call failed, so a request sent now would arrive behind its back."""

    class Bounded(connection_class):  # type: ignore[misc,unused-ignore]  # Any base: strict mode only
        def connect(self) -> None:
            super().connect()
            stop_at = getattr(_call, "stop_at", None)
            if stop_at is not None and time.monotonic() >= stop_at:
                self.close()
                raise NewConnectionError(self, "connected only after the call's deadline: nothing was sent")

    return Bounded


def _shut(connections: list[Any]) -> None:
    """Shut the sockets of `connections`: a read blocked on one returns at once."""
    for sock in (getattr(conn, "sock", None) for conn in connections):
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass


_adapters: weakref.WeakKeyDictionary[requests.Session, _ShuttableAdapter] = weakref.WeakKeyDictionary()
_adapters_lock = threading.Lock()


def _adapter_for(session: requests.Session) -> _ShuttableAdapter:
    """One adapter per session, made on first use: its connections stay open between calls."""
    with _adapters_lock:
        if session not in _adapters:
            _adapters[session] = _ShuttableAdapter()
        return _adapters[session]


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    stop_at: float,
    params: dict[str, str] | None = None,
    json: Any = None,
    headers: dict[str, str] | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
    max_body: int = MAX_BODY,
) -> Answer:
    """Make one request; return its Answer by `stop_at` (a time.monotonic() value). Raises GraphFailure
    (`sent=False`, retryable) when the request never left, `stop_at` having passed included;
    MayHaveTakenEffect when it left and no complete answer came back."""
    if time.monotonic() >= stop_at:  # no time left even to connect: send nothing rather than start late
        raise GraphFailure(_TOO_LATE, retryable=True, sent=False)
    _mask_urllib3_log()
    outcome: dict[str, Any] = {}
    # Prepared here, so the worker never touches the session (requests' sessions are not thread-safe);
    # the adapter never follows a redirect.
    prepared = session.prepare_request(requests.Request(method, url, params=params, json=json, headers=headers))
    # The secrets are read from what will actually be sent: the session's and the call's headers and
    # query, whatever form they were given in (dict, list of pairs, query string, the URL itself).
    secrets = secrets_in(prepared.headers, dict(parse_qsl(urlsplit(prepared.path_url).query)), json)
    settings = session.merge_environment_settings(prepared.url, {}, True, None, None)
    adapter = _adapter_for(session)
    connections: list[Any] = []  # the urllib3 connections this call takes: the ones to shut at the deadline

    def work() -> None:
        _call.connections = connections  # this call's own record of the connections it uses
        _call.stop_at = stop_at  # a connection set up only after this sends nothing (_bounded)
        try:
            response = adapter.send(  # requests' adapter never preloads the body: _read takes it piece by piece
                prepared,
                timeout=(connect_timeout, read_timeout),
                verify=True if settings["verify"] is None else settings["verify"],
                cert=settings["cert"],
                proxies=settings["proxies"],
            )
        except requests.RequestException as exc:
            outcome["failure"] = _no_answer(exc)
            return
        try:
            outcome["answer"] = _read(response, stop_at, max_body, secrets)
        except MayHaveTakenEffect as exc:
            outcome["failure"] = exc
        except Exception as exc:  # urllib3's own errors while streaming, or anything else an odd answer causes
            outcome["failure"] = MayHaveTakenEffect(
                f"The request was sent but its answer broke off or could not be read ({type(exc).__name__})."
            )
        finally:
            response.close()

    worker = threading.Thread(target=work, name="graph-request", daemon=True)
    worker.start()
    worker.join(max(0.0, stop_at - time.monotonic()))
    if worker.is_alive():  # still connecting or reading at the deadline: end it now
        _shut(connections)
        worker.join(0.5)
        outcome.clear()  # whatever it makes of the shut connection came after the deadline
    if "answer" in outcome:
        answer: Answer = outcome["answer"]
        return answer
    if "failure" in outcome:
        raise outcome["failure"]
    raise MayHaveTakenEffect(_LATE)


_TOO_LATE = "The request was not sent: its deadline had already passed."
_LATE = "The request was sent but no complete answer came before the deadline."


def _read(response: requests.Response, stop_at: float, max_body: int, secrets: list[str]) -> Answer:
    data = bytearray()
    while True:
        if time.monotonic() > stop_at:
            raise MayHaveTakenEffect(_LATE)
        chunk = response.raw.read1(16384, decode_content=True)  # returns whatever has arrived, so the deadline is checked often
        if not chunk:
            break
        data += chunk
        if len(data) > max_body:
            raise MayHaveTakenEffect(f"The answer exceeded {max_body} bytes (not Graph: a proxy?).")
    content_type = response.headers.get("Content-Type", "")
    try:
        # Masked before parsing, so no text taken from the answer can carry a secret onwards.
        body = jsonlib.loads(mask(data.decode("utf-8", "replace"), secrets))
    except (ValueError, RecursionError):  # empty, not JSON, or nested deeper than the parser recurses
        body = None
    return Answer(response.status_code, content_type, body, _retry_after(response.headers.get("Retry-After")))
