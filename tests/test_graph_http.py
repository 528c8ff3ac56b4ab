"""snippets/graph_http.py against answers no Graph sends but a proxy or a broken server can: each
one must end in an Answer or a GraphFailure at once, never in a raw exception or a wait for the deadline."""

from __future__ import annotations

import time

import pytest
import requests

from snippets import graph_errors, graph_http
from support.hostile_server import graph_error, response

DEADLINE = 5.0


def call(base_url: str) -> graph_http.Answer:
    began = time.monotonic()
    result = graph_http.request(requests.Session(), "GET", base_url + "/v0/x", stop_at=began + DEADLINE)
    assert time.monotonic() - began < DEADLINE / 2, "an odd answer must not hold the caller until the deadline"
    return result


def test_json_nested_deeper_than_the_parser_recurses_is_not_json(hostile_server):
    server = hostile_server(lambda request, conn, n: conn.send(response(200, b"[" * 200_000)))
    result = call(server.base_url)
    assert result.status == 200 and result.body is None


def test_a_retry_after_that_is_not_a_plain_number_is_ignored(hostile_server):
    # The byte 0xB2 reads as "²" (HTTP headers are latin-1): it passes str.isdigit(), and float("²") raises.
    head = b"HTTP/1.1 429 Hostile\r\nContent-Type: application/json\r\nContent-Length: 20\r\nRetry-After: \xb2\r\n\r\n"
    server = hostile_server(lambda request, conn, n: conn.send(head + b'{"error":{"code":4}}'))
    result = call(server.base_url)
    assert result.status == 429 and result.retry_after is None


def test_a_code_that_only_looks_like_digits_is_an_unknown_code():
    decision = graph_errors.classify({"code": "\u00b2"})
    assert decision.code is None and not decision.known and decision.action == graph_errors.DO_NOT_RETRY


# Secrets, wherever they travel and however the header is spelt. The gateway below echoes the whole
# request (request line, every header and the body) into a Graph-shaped error, as some proxies do.
TOKEN = "EAAGsecretTOKEN0123456789"
APP_SECRET = "app-secret-0123456789abcdef"


def echo_everything(request, conn, n):
    seen = f"{request.method} {request.path} {request.headers} {request.body.decode('latin-1')}"
    conn.send(response(400, graph_error(100, message=f"Gateway saw: {seen}")))


def echoed(hostile_server, session: requests.Session, **options) -> tuple[str, str]:
    """(what the gateway received, what the caller got back: the Answer's body as text)."""
    server = hostile_server(echo_everything)
    url = server.base_url + "/v0/x" + options.pop("path", "")
    answer = graph_http.request(session, "POST", url, stop_at=time.monotonic() + DEADLINE, **options)
    received = server.received[0]
    return f"{received.path} {received.headers} {received.body.decode('latin-1')}", repr(answer.body)


@pytest.mark.parametrize("spelling", ["Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"])
@pytest.mark.parametrize("where", ["session", "request"])
def test_the_bearer_token_is_masked_whatever_the_header_name_spelling(hostile_server, spelling, where):
    session = requests.Session()
    header = {spelling: f"Bearer {TOKEN}"}
    if where == "session":
        session.headers.update(header)
    sent, got = echoed(hostile_server, session, headers=header if where == "request" else None)
    assert TOKEN in sent, "the token must travel, or the test proves nothing"
    assert TOKEN not in got and "Bearer ***" in got


@pytest.mark.parametrize(
    ("where", "options"),
    [
        ("query", {"params": {"access_token": TOKEN}}),
        ("session query", {}),
        ("JSON body", {"json": {"access_token": TOKEN}}),
        ("bare header", {"headers": {"authorization": TOKEN}}),
        ("app token", {"headers": {"Authorization": f"Bearer 1234|{APP_SECRET}"}}),
        ("client secret", {"params": {"client_secret": APP_SECRET}}),
        ("token to exchange", {"params": {"fb_exchange_token": TOKEN}}),
        ("query as pairs", {"params": [("access_token", TOKEN)]}),
        ("in the URL itself", {"path": f"?access_token={TOKEN}"}),
    ],
)
def test_a_secret_is_masked_in_the_query_the_body_a_bare_header_and_an_app_token(hostile_server, where, options):
    session = requests.Session()
    if where == "session query":
        session.params = {"access_token": TOKEN}
    sent, got = echoed(hostile_server, session, **options)
    secret = APP_SECRET if where in ("app token", "client secret") else TOKEN
    assert secret in sent and secret not in got, where


@pytest.mark.parametrize("name", graph_http.SECRET_PARAMS)
def test_every_secret_parameter_is_masked_in_urllib3s_request_log(name):
    import logging

    line = f"GET /v0/oauth/access_token?client_id=1&{name}={TOKEN}&error_code=5 HTTP/1.1"
    record = logging.LogRecord("urllib3.connectionpool", logging.DEBUG, __file__, 0, line, None, None)
    graph_http._RedactSecrets().filter(record)
    assert record.getMessage() == line.replace(TOKEN, "***")


def test_appsecret_proof_is_masked_and_an_echo_reaches_no_exception_text(hostile_server):
    """End to end through graph_call: the gateway's echo becomes the error's details, masked."""
    from snippets import graph_call

    proof = graph_http.appsecret_proof(APP_SECRET, TOKEN)
    server = hostile_server(echo_everything)
    with pytest.raises(graph_errors.GraphFailure) as caught:
        graph_call.call("GET", "/me", base_url=server.base_url, token=TOKEN, app_secret=APP_SECRET, deadline=DEADLINE)
    assert proof in server.received[0].path and TOKEN in str(server.received[0].headers)
    text = str(caught.value) + repr(caught.value) + repr(caught.value.decision)
    assert "Gateway saw" in text and TOKEN not in text and proof not in text


# ---------------------------------------------------------------------------------------------
# The pieces, whole values.
def test_appsecret_proof_is_hmac_sha256_hex_of_the_token_keyed_with_the_app_secret():
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert graph_http.appsecret_proof("Jefe", "what do ya want for nothing?") == expected


def test_graph_url_pins_the_version_between_host_and_path(guide):
    version = guide["graph_api"]["pinned_version"]
    assert graph_http.graph_url("/debug_token", "http://127.0.0.1:9/") == f"http://127.0.0.1:9/{version}/debug_token"
    assert graph_http.graph_url("/me") == f"https://graph.facebook.com/{version}/me"
    gateway = "https://gateway.example/GRAPHX"  # a gateway's path prefix is kept, whatever its last letter
    assert graph_http.graph_url("/me", gateway + "/") == f"{gateway}/{version}/me"


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("15", 15.0), (" 15 ", 15.0), ("0", 0.0), ("1.5", None), ("Wed, 21 Oct 2015 07:28:00 GMT", None), ("", None), (None, None)],
)
def test_retry_after_is_read_only_as_whole_seconds(header, seconds):
    assert graph_http._retry_after(header) == seconds


def test_secrets_in_lists_every_secret_of_eight_characters_or_more_once_per_spelling():
    found = graph_http.secrets_in(
        {"Authorization": "Bearer 1234|appsecretvalue"},
        {"input_token": "inputtoken123", "code": "c", "error_code": "100200300"},
        {"client_secret": "clientsecret1"},
    )
    assert found == ["inputtoken123", "clientsecret1", "1234|appsecretvalue", "appsecretvalue"]
    assert graph_http.secrets_in({"Authorization": "Bearer short"}, {}) == []
    # Eight characters is the shortest secret masked (shorter ones would mask ordinary words).
    assert graph_http.secrets_in({"Authorization": "Bearer abcdefgh"}, {"code": "abcdefg"}) == ["abcdefgh"]
    assert graph_http.secrets_in({"authorization": b"Bearer bytes-token-1"}, {}) == ["bytes-token-1"]


def test_mask_replaces_plain_and_url_encoded_secrets_longest_first():
    text = "a=1234|appsecretvalue b=1234%7Cappsecretvalue c=appsecretvalue"
    assert graph_http.mask(text, ["appsecretvalue", "1234|appsecretvalue"]) == "a=*** b=*** c=***"
    # A slash is encoded too: a gateway that URL-encodes the whole query echoes it as %2F.
    assert graph_http.mask("t=abc%2Fdefgh0123 u=abc/defgh0123", ["abc/defgh0123"]) == "t=*** u=***"


def test_the_urllib3_log_filter_masks_secret_parameters_and_keeps_the_rest():
    import logging

    record = logging.LogRecord(
        "urllib3.connectionpool",
        logging.DEBUG,
        __file__,
        1,
        "%s",
        ("GET /x?input_token=abc&error_code=5&code=zz&access_token=tt&appsecret_proof=pp&client_secret=ss",),
        None,
    )
    assert graph_http._RedactSecrets().filter(record) is True
    expected = "GET /x?input_token=***&error_code=5&code=***&access_token=***&appsecret_proof=***&client_secret=***"
    assert (record.getMessage(), record.args) == (expected, ())


@pytest.mark.parametrize(("size", "fits"), [(10, True), (11, False)])
def test_the_body_cap_admits_exactly_max_body_bytes(hostile_server, size, fits):
    server = hostile_server(lambda request, conn, n: conn.send(response(200, b"[" + b" " * (size - 2) + b"]")))
    url, stop_at = server.base_url + "/v0/x", time.monotonic() + DEADLINE
    if fits:
        assert graph_http.request(requests.Session(), "GET", url, stop_at=stop_at, max_body=10).body == []
    else:
        with pytest.raises(graph_errors.MayHaveTakenEffect, match="^The answer exceeded 10 bytes"):
            graph_http.request(requests.Session(), "GET", url, stop_at=stop_at, max_body=10)


def test_the_first_request_masks_urllib3s_log_once(hostile_server, monkeypatch, caplog):
    import logging

    log = logging.getLogger("urllib3.connectionpool")
    monkeypatch.setattr(log, "filters", [])  # as in a fresh process: no request made yet
    server = hostile_server("healthy")
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        for _ in range(2):
            url = server.base_url + "/v0/123"
            graph_http.request(
                requests.Session(), "GET", url, params={"access_token": TOKEN}, stop_at=time.monotonic() + DEADLINE
            )
    lines = [record.getMessage() for record in caplog.records if "/v0/123" in record.getMessage()]
    assert len(lines) == 2 and all("/v0/123?access_token=*** HTTP/1.1" in line for line in lines), lines
    assert TOKEN not in caplog.text
    assert [type(f) for f in log.filters] == [graph_http._RedactSecrets]


# How the slow call reaches its server: directly, through a forwarding proxy (http), or through a
# proxy's CONNECT tunnel (https), the proxy being the slow one. The proxy is set for graph.invalid
# alone, so the session's next call, to a healthy server, goes direct on the same session.
ROUTES = {
    "direct": None,
    "forwarding proxy": "http://graph.invalid/v0/x",
    "CONNECT tunnel": "https://graph.invalid/v0/x",
}


@pytest.mark.parametrize(
    ("route", "behaviour"),
    [
        *(
            (route, behaviour)
            for route in ("direct", "forwarding proxy")
            for behaviour in ("drip-headers-1-byte", "drip-body-1-byte", "read-timeout")
        ),
        ("CONNECT tunnel", "drip-headers-1-byte"),  # the proxy trickles its answer to CONNECT
        ("CONNECT tunnel", "read-timeout"),  # the proxy accepts CONNECT and never answers
    ],
)
def test_no_thread_is_left_reading_after_the_deadline_and_the_session_is_reused(hostile_server, route, behaviour):
    import threading

    session = requests.Session()
    slow, healthy = hostile_server(behaviour), hostile_server("healthy")
    url = ROUTES[route]
    if url is None:
        url = slow.base_url + "/v0/x"
    else:
        session.proxies = {url.split("/v0/")[0]: slow.base_url}
    began = time.monotonic()
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="before the deadline"):
        graph_http.request(session, "GET", url, stop_at=began + 0.3, read_timeout=5, connect_timeout=5)
    assert time.monotonic() - began < 0.3 + 0.4, "the caller waits for the deadline, not for the worker"
    assert [t for t in threading.enumerate() if t.name == "graph-request"] == [], "a worker still reads after the deadline"
    reached = slow.received[0]
    assert (reached.method, reached.path) == {
        "direct": ("GET", "/v0/x"),
        "forwarding proxy": ("GET", "http://graph.invalid/v0/x"),
        "CONNECT tunnel": ("CONNECT", "graph.invalid:443"),
    }[route]
    answer = graph_http.request(session, "GET", healthy.base_url + "/v0/123", stop_at=time.monotonic() + DEADLINE)
    assert (answer.status, answer.body) == (200, {"id": "123"})


# ---------------------------------------------------------------------------------------------
# What the caller gets back, whole: the Answer, or which failure with which sentence.
def test_an_answer_arriving_in_pieces_is_read_whole_with_its_type_and_retry_after(hostile_server):
    body = b'{"error": {"code": 4, "message": "Application request limit reached"}}'
    head = b"HTTP/1.1 429 Hostile\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 15\r\n"
    head += b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)

    def in_two_pieces(request, conn, n):
        conn.send(head + body[:20])
        time.sleep(0.05)
        conn.send(body[20:])

    answer = call(hostile_server(in_two_pieces).base_url)
    expected = {"error": {"code": 4, "message": "Application request limit reached"}}
    assert answer == graph_http.Answer(429, "application/json; charset=utf-8", expected, 15.0)


def test_a_compressed_answer_is_decompressed_and_bad_utf8_is_replaced_not_fatal(hostile_server):
    import gzip

    compressed = gzip.compress(b'{"name": "Caf\xe9"}')  # latin-1, not UTF-8: the byte is replaced
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(compressed)}\r\nConnection: close\r\n\r\n"
    answer = call(hostile_server(lambda request, conn, n: conn.send(head.encode() + compressed)).base_url)
    assert answer == graph_http.Answer(200, "", {"name": "Caf\ufffd"}, None)  # no Content-Type: ""


def refused_url() -> str:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v0/x"


def failure_of(url: str, **options) -> tuple[type, str, bool, bool]:
    began = time.monotonic()
    with pytest.raises(graph_errors.GraphFailure) as caught:
        graph_http.request(requests.Session(), "POST", url, stop_at=began + DEADLINE, **options)
    assert time.monotonic() - began < DEADLINE / 2, "a failure must be reported at once, not at the deadline"
    return type(caught.value), str(caught.value), caught.value.sent, caught.value.retryable


MAY = graph_errors.MayHaveTakenEffect
BROKE = "The request was sent but the connection broke before a complete answer (ConnectionError)."


@pytest.mark.parametrize(
    ("server", "options", "expected"),
    [
        (
            None,
            {},
            (
                graph_errors.GraphFailure,
                "Could not reach the Graph API: the connection was refused or the host could not be resolved.",
                False,
                True,
            ),
        ),
        ("tls", {}, (graph_errors.GraphFailure, "Could not reach the Graph API: the TLS handshake failed.", False, True)),
        (
            "read-timeout",
            {"read_timeout": 0.3},
            (MAY, "The request was sent but no answer came within the read timeout.", True, False),
        ),
        ("reset-after-request", {}, (MAY, BROKE, True, False)),
        ("close-after-request", {}, (MAY, BROKE, True, False)),
    ],
)
def test_a_request_that_gets_no_answer_says_whether_it_left(hostile_server, server, options, expected):
    if server is None:
        url = refused_url()
    elif server == "tls":
        url = hostile_server("healthy", tls_garbage=True).base_url + "/v0/x"
    else:
        url = hostile_server(server).base_url + "/v0/x"
    assert failure_of(url, **options) == expected


def test_an_answer_cut_short_may_have_taken_effect(hostile_server):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
    server = hostile_server(lambda request, conn, n: conn.send(head + b'{"id": "1'))
    assert failure_of(server.base_url + "/v0/x") == (
        MAY,
        "The request was sent but its answer broke off or could not be read (ProtocolError).",
        True,
        False,
    )


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            requests.ConnectTimeout("connect timed out"),
            (graph_errors.GraphFailure, "Could not reach the Graph API: no connection within the connect timeout.", False, True),
        ),
        (requests.ConnectionError(), (MAY, BROKE, True, False)),  # no reason given: it may have left
    ],
)
def test_a_connect_timeout_never_left_and_a_connection_error_that_gives_no_reason_may_have(exc, expected):
    failure = graph_http._no_answer(exc)
    assert (type(failure), str(failure), failure.sent, failure.retryable) == expected


def test_the_sessions_proxy_settings_are_honoured(hostile_server, monkeypatch):
    """Behind a corporate proxy the call goes through it, as requests' own session.get would."""
    proxy = hostile_server("healthy")
    session = requests.Session()
    session.proxies = {"http": proxy.base_url}
    answer = graph_http.request(session, "GET", "http://graph.invalid/v0/123", stop_at=time.monotonic() + DEADLINE)
    assert (answer.status, answer.body, proxy.received[0].path) == (200, {"id": "123"}, "http://graph.invalid/v0/123")
    monkeypatch.setenv("HTTP_PROXY", proxy.base_url)  # or from the environment
    answer = graph_http.request(requests.Session(), "GET", "http://graph.invalid/v0/456", stop_at=time.monotonic() + DEADLINE)
    assert (answer.status, answer.body, proxy.received[1].path) == (200, {"id": "456"}, "http://graph.invalid/v0/456")


def test_a_session_used_for_many_calls_keeps_nothing_per_call(hostile_server):
    """A long-running sender makes millions of calls on one session, and the onboarding scripts one
    session per call: nothing may pile up per call (one adapter and pool per session, one pool class
    per kind of pool)."""
    server = hostile_server("healthy")
    session = requests.Session()
    graph_http.request(session, "GET", f"{server.base_url}/v0/0", stop_at=time.monotonic() + DEADLINE)
    pool_classes = graph_http._recording.cache_info().currsize
    for number in range(1, 4):
        for caller in (session, requests.Session()):
            answer = graph_http.request(caller, "GET", f"{server.base_url}/v0/{number}", stop_at=time.monotonic() + DEADLINE)
            assert answer.body == {"id": str(number)}
    assert len(graph_http._adapter_for(session).poolmanager.pools) == 1
    assert graph_http._recording.cache_info().currsize == pool_classes


TOO_LATE = "The request was not sent: its deadline had already passed."


@pytest.fixture
def tls_handshake_dripper():
    """A server that answers a TLS ClientHello with the head of a 16 KB handshake record, then one
    byte every 50 ms: the client's handshake waits inside ssl, on a socket no one else holds."""
    import socket
    import threading

    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"\x16\x03\x03\x40\x00")
            while not stop.wait(0.05):
                conn.sendall(b"\x00")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}/v0/x"
    stop.set()
    thread.join(2)
    listener.close()
    from support.hostile_server import wait_until  # the handshake, cut off, ends its worker: none is left

    assert wait_until(lambda: not [t for t in threading.enumerate() if t.name == "graph-request"], 2)


def test_a_worker_the_deadline_cannot_stop_holds_the_caller_half_a_second_at_most(tls_handshake_dripper):
    """A TLS handshake in progress cannot be shut from outside (ssl owns the socket until it is done);
    its connect timeout bounds each wait. The caller still gets its answer at the deadline plus the
    half second it gives the worker to finish."""
    began = time.monotonic()
    with pytest.raises(graph_errors.MayHaveTakenEffect, match="before the deadline"):
        graph_http.request(requests.Session(), "GET", tls_handshake_dripper, stop_at=began + 0.3)
    assert time.monotonic() - began < 0.3 + 0.5 + 0.7


def test_a_connection_set_up_only_after_the_deadline_sends_nothing(tls_files, monkeypatch):
    """The TLS handshake stalls past the caller's deadline, then completes: the caller has its answer
    at the deadline, and the request must not reach the server behind its back."""
    import socket
    import ssl
    import threading

    from support.hostile_server import wait_until

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    listener = socket.create_server(("127.0.0.1", 0))
    handshaken, received = threading.Event(), []

    def serve() -> None:
        conn, _ = listener.accept()
        time.sleep(0.6)  # past the 0.3 s deadline, within the connect timeout
        with context.wrap_socket(conn, server_side=True) as tls:
            handshaken.set()
            tls.settimeout(1.0)
            try:
                received.append(tls.recv(65536))
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_files[0])  # the environment's bundle would win over session.verify
    began = time.monotonic()
    try:
        with pytest.raises(graph_errors.MayHaveTakenEffect):
            url = f"https://127.0.0.1:{listener.getsockname()[1]}/v0/1/register"
            graph_http.request(requests.Session(), "POST", url, json={"pin": "123456"}, stop_at=began + 0.3)
        assert handshaken.wait(2), "the handshake never completed: the test did not reach the late connection"
        thread.join(2)
        assert received in ([], [b""]), f"sent after the deadline: {received}"
        assert wait_until(lambda: not [t for t in threading.enumerate() if t.name == "graph-request"], 2)
    finally:
        listener.close()


@pytest.mark.parametrize("late_by", [1.0, 0.0])
def test_a_deadline_already_passed_sends_nothing_and_says_so_at_once(hostile_server, late_by):
    from support.hostile_server import wait_until

    server = hostile_server("healthy")
    began = time.monotonic()
    with pytest.raises(graph_errors.GraphFailure) as caught:
        graph_http.request(requests.Session(), "POST", server.base_url + "/v0/1/messages", stop_at=began - late_by)
    # Not MayHaveTakenEffect: nothing left, so sending it again (with time to do so) is harmless.
    assert (type(caught.value), str(caught.value), caught.value.sent, caught.value.retryable) == (
        graph_errors.GraphFailure,
        TOO_LATE,
        False,
        True,
    )
    assert time.monotonic() - began < DEADLINE / 2
    assert not wait_until(lambda: bool(server.clients), 0.3), "a request whose deadline had passed was sent"


# ---------------------------------------------------------------------------------------------
# TLS: the session's certificate settings reach the connection, and verification is never off.
@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl, as in .ci/run's image): (cert.pem, key.pem)."""
    import subprocess

    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.fixture
def tls_server(tls_files):
    """start(client_cert_required) -> the base URL of an HTTPS server answering {"id": "tls"}."""
    import socket
    import ssl
    import threading

    listeners = []

    def start(client_cert_required: bool) -> str:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls_files)
        if client_cert_required:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(tls_files[0])
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def serve() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                try:
                    with context.wrap_socket(conn, server_side=True) as tls:
                        tls.settimeout(DEADLINE)
                        while b"\r\n\r\n" not in tls.recv(65536):
                            pass
                        tls.sendall(response(200, {"id": "tls"}))
                except OSError:  # ssl.SSLError included: the client refused us, or we refused it
                    conn.close()

        threading.Thread(target=serve, daemon=True).start()
        return f"https://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener in listeners:
        listener.close()


TLS_FAILED = (graph_errors.GraphFailure, "Could not reach the Graph API: the TLS handshake failed.", False, True)


@pytest.mark.parametrize(
    ("verify", "client_cert", "ok"),
    [
        ("default", False, False),  # a certificate no trusted CA signed is refused
        (None, False, False),  # verify=None turns verification off in requests; not here
        ("the test CA", False, True),  # session.verify = a CA bundle
        ("REQUESTS_CA_BUNDLE", False, True),  # or the environment's CA bundle
        ("the test CA", True, True),  # session.cert = a client certificate, when the server asks for one
    ],
)
def test_the_sessions_certificate_settings_are_used_and_verification_is_never_off(
    tls_server, tls_files, monkeypatch, verify, client_cert, ok
):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    session = requests.Session()
    if verify == "REQUESTS_CA_BUNDLE":
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_files[0])
    elif verify != "default":
        session.verify = tls_files[0] if verify == "the test CA" else verify
    if client_cert:
        session.cert = tls_files
    url = tls_server(client_cert_required=client_cert) + "/v0/tls"
    if ok:
        answer = graph_http.request(session, "GET", url, stop_at=time.monotonic() + DEADLINE)
        assert (answer.status, answer.body) == (200, {"id": "tls"})
    else:
        assert _tls_failure(session, url) == TLS_FAILED


def _tls_failure(session: requests.Session, url: str) -> tuple[type, str, bool, bool]:
    with pytest.raises(graph_errors.GraphFailure) as caught:
        graph_http.request(session, "GET", url, stop_at=time.monotonic() + DEADLINE)
    return type(caught.value), str(caught.value), caught.value.sent, caught.value.retryable


def test_a_server_asking_for_a_client_certificate_the_session_lacks_gets_none(tls_server, tls_files):
    """The other half of the client-certificate case above: without session.cert the server refuses."""
    session = requests.Session()
    session.verify = tls_files[0]
    url = tls_server(client_cert_required=True) + "/v0/tls"
    with pytest.raises(graph_errors.GraphFailure):  # refused during or right after the handshake
        graph_http.request(session, "GET", url, stop_at=time.monotonic() + DEADLINE)
