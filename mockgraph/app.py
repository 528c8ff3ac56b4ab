"""The mock Graph API as a WSGI app. It answers like graph.facebook.com.

    data/guide.yaml operations --> routing (werkzeug Map) + permission checks --> handlers

Which token may call which operation comes from the YAML's operation map; HTTP statuses of errors
from its graph_errors table; accepted versions from its version lifecycle. Shapes follow
../shared/facts/whatsapp-cloud-api.md (sections cited inline).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable

from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

import guide_data
from mockgraph import demo, onboarding, spec, status_webhooks, webhooks
from mockgraph.auth import Tokens, ensure_asset_access, ensure_permission, ensure_usable
from mockgraph.call import Call, Raw
from mockgraph.errors import GraphError, bad_request, envelope, trace_id, unsupported
from mockgraph.handlers import HANDLERS
from mockgraph.handlers.world import World
from mockgraph.limits import MAX_BODY, SendLimits, parse_json, read_body
from mockgraph.objects import Objects
from mockgraph.routing import build

__all__ = ["MAX_BODY", "GraphError", "GraphMock"]

VERSION_SEGMENT = re.compile(r"^v\d+(\.\d+)?$")
# Operations that take no access token: the app proves itself with its secret in the query.
CLIENT_CREDENTIALS = {"exchangeEmbeddedSignupCode"}


def _number(version: str) -> tuple[int, ...]:
    """v2.12 -> (2, 12): versions compare by number, not as text (v9.0 is older than v18.0)."""
    return tuple(int(part) for part in version.lstrip("v").split("."))


class GraphMock:
    """WSGI app. ``today`` fixes the calendar (version lifecycle, token expiry) for tests;
    ``extra_tokens`` adds tokens beyond the demo list (e.g. demo.PORTFOLIO_ADMIN)."""

    def __init__(
        self,
        data: dict | None = None,
        *,
        today: dt.date | Callable[[], dt.date] | None = None,
        strict: bool = True,
        require_appsecret_proof: bool = False,
        throughput_mps: int = 80,
        pair_limit: int = 45,
        pair_window: float = 6.0,
        extra_tokens: Iterable[demo.DemoToken] = (),
    ):
        self.data = data or guide_data.load()
        self._today = today
        self._versions_on: tuple[dt.date, list[str]] | None = None
        self.strict = strict
        self.require_appsecret_proof = require_appsecret_proof
        # Rows where Meta lists no HTTP status (null) fall back to Graph's usual 400.
        self.http_status = {e["code"]: e["http_status"] for e in self.data["graph_errors"] if e["http_status"]}
        self.pinned = self.data["graph_api"]["pinned_version"]
        self.operations = {o["id"]: o for o in self.data["operations"]}
        self.objects = Objects()
        # Fails loudly when the map, the hand-written handlers and the spec's answers disagree.
        self.routes = build(self.data["operations"], HANDLERS, self.objects, frozenset(spec.operations()))
        self._adapter = self.routes.bind("graph.facebook.com")
        self.tokens = Tokens(extra_tokens)
        self.send_limits = SendLimits(throughput_mps, pair_limit, pair_window)
        # Mutable demo state, per mock: templates, uploads, registrations, profiles, subscriptions.
        self.state_lock = threading.Lock()
        self.templates = {("hello_world", "en_US")}
        self.template_details: dict[tuple[str, str], dict] = {}  # what a create sent: category, components
        self.media: dict[str, dict] = {}
        self.registered: set[str] = set()
        self.profiles: dict[str, dict] = {}
        # The own WABA starts subscribed to the demo app; a WABA onboarded by Embedded Signup is
        # not, until the partner calls POST /{waba-id}/subscribed_apps (mockgraph/onboarding.py).
        self.subscriptions: dict[str, set[str]] = {w: set(a) for w, a in onboarding.INITIALLY_SUBSCRIBED.items()}
        self.onboarding = onboarding.Onboarding()  # Embedded Signup codes already exchanged
        self.world = World()  # Flows, QR codes, blocked users and groups created through the API
        self.objects.owner["phone-number-id"][onboarding.TEST_PHONE] = onboarding.TEST_PHONE_WABA
        # Called before a send is accepted, with (call, recipient digits); each may refuse it with
        # a GraphError: the test number's allow list (131030) and the error drills of issue 11.
        self.message_checks: list[Callable[[Call, str], None]] = [onboarding.check_recipient, status_webhooks.check_drill]
        # Called after every accepted POST /{phone-number-id}/messages with (call, answer): the
        # place for features that react to a send (status webhooks), one append each.
        self.message_listeners: list[Callable[[Call, dict], None]] = [status_webhooks.after_accept]
        # Where status webhooks go (mockgraph/status_webhooks.py); None: MOCKGRAPH_STATUS_WEBHOOK_URL or nowhere.
        self.status_webhooks: status_webhooks.StatusWebhooks | None = None
        # The last requests (method, path, parsed JSON body or None): lets tests check what a
        # snippet sent. Headers and query strings are not kept: they carry secrets.
        self.journal: collections.deque = collections.deque(maxlen=256)

    # -- calendar and versions ------------------------------------------------------------------
    @property
    def today(self) -> dt.date:
        if callable(self._today):
            return self._today()
        return self._today or dt.datetime.now(dt.timezone.utc).date()

    def available_versions(self) -> list[str]:
        """Versions usable today, newest first (released, and before their available-until date)."""
        today = self.today
        if self._versions_on and self._versions_on[0] == today:
            return self._versions_on[1]
        usable = [
            v["version"]
            for v in self.data["graph_api"]["versions"]
            if v["released"] and v["released"] <= today and (v["available_until"] is None or today < v["available_until"])
        ]
        self._versions_on = (today, usable)  # computed once per day, not once per request
        return usable

    def resolve_version(self, version: str, path: str) -> str:
        known = {v["version"]: v for v in self.data["graph_api"]["versions"]}
        available = self.available_versions()
        if version in available:
            return version
        entry = known.get(version)
        expired = entry and entry["released"] and entry["available_until"] and self.today >= entry["available_until"]
        if expired or (entry is None and _number(version) < min(_number(v) for v in known)):
            # data/guide.yaml graph_api.expired_version_calls: a call to a version that is no longer
            # usable (one the YAML lists as expired, or one older than any it lists, such as v2.0)
            # "will be defaulted to the next oldest, usable version". The facebook-api-version
            # header names the version that answered.
            return available[-1]
        # Not a version Graph serves. Public client code records this answer (low confidence).
        raise GraphError(2500, f"Unknown path components: /{version}{path}")

    def _split_version(self, path: str) -> tuple[str, str]:
        first, _, rest = path.lstrip("/").partition("/")
        if VERSION_SEGMENT.match(first):
            return self.resolve_version(first, "/" + rest), "/" + rest
        if self.strict:
            raise GraphError(
                2500,
                f"mockgraph strict mode: the path {path} has no version. Put the pinned version in the "
                f"URL (/{self.pinned}{path}); unversioned calls follow the app's default version.",
            )
        return self.pinned, path

    # -- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == webhooks.INJECT_PATH and request.method == "POST":  # mockgraph's own: a customer writes in
            status, answer = webhooks.inject_endpoint(self, read_body(request))
            body = json.dumps(answer).encode()
            start_response(
                f"{status} {HTTP_STATUS_CODES[status]}",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        served, waba, raw = self.pinned, None, b""
        first, _, rest = request.path.lstrip("/").partition("/")
        unversioned = "/" + rest if VERSION_SEGMENT.match(first) else request.path
        status, failure = 200, None
        try:
            try:
                raw = read_body(request)
            finally:  # a refused body (too large, cut short) is still a request the journal shows
                self._record(request, raw)
            served, path = self._split_version(request.path)
            answer, waba = self._dispatch(request, path, raw)
        except GraphError as error:
            failure = error
            status = error.status or self.http_status.get(error.code, 400)  # as data/guide.yaml documents it
        except Exception:  # a bug in the mock must still answer in Graph's shape (and fail the fuzz test)
            failure = GraphError(1, "An unknown error occurred", type="GraphMethodException")
            status = 500
        trace = trace_id(request.method, unversioned, raw)
        if failure is not None:
            answer = envelope(failure, trace)
        if isinstance(answer, Raw):
            body, content_type = answer.body, answer.content_type
        else:
            body, content_type = json.dumps(answer).encode(), "application/json; charset=UTF-8"
        # Written straight to start_response: a werkzeug Response object costs more than the routing.
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("facebook-api-version", served),
            ("x-fb-trace-id", trace),
        ]
        if waba:
            # Facts §8: business use case usage, keyed by the business object's id.
            usage = [
                {"type": "whatsapp", "call_count": 1, "total_cputime": 1, "total_time": 1, "estimated_time_to_regain_access": 0}
            ]
            headers.append(("x-business-use-case-usage", json.dumps({waba: usage})))
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}", headers)
        return [body]

    def _record(self, request: Request, raw: bytes) -> None:
        body = None
        if request.mimetype == "application/json":
            try:
                body = parse_json(raw)
            except GraphError:
                body = None
        self.journal.append((request.method, request.path, body))

    def _dispatch(self, request: Request, path: str, raw: bytes) -> tuple[dict, str | None]:
        try:
            operation_id, args = self._adapter.match(path, method=request.method)
        except HTTPException:  # not found, wrong method, unknown id, or a redirect for "//" in the path
            operation_id, args = None, {}
        try:
            form = request.form.to_dict() if request.mimetype != "application/json" else {}
        except HTTPException as problem:  # werkzeug refuses an oversized or malformed form body
            raise bad_request(f"The form body cannot be read: {problem.description}", status=problem.code or 400) from None
        if operation_id in CLIENT_CREDENTIALS:
            # Authenticated by client_id and client_secret in the query, like Graph's OAuth endpoint.
            operation = self.operations[operation_id]
            return HANDLERS[operation_id](Call(self, request, operation, {}, None, None, raw, form)), None
        token, app = self.tokens.caller(request, form, self.require_appsecret_proof)
        if operation_id is None:
            raise unsupported(request.method, path.strip("/").split("/")[0] or "/")
        operation = self.operations[operation_id]
        ids = {name.replace("_", "-"): value for name, value in args.items()}
        ensure_usable(token, whatsapp=operation["group"] != "tokens")
        ensure_permission(token, guide_data.required_permissions(operation), every=guide_data.requires_all(operation))
        # The asset the path names (its first id): the token's user must have access to its WABA.
        kind, object_id = next(iter(ids.items()), ("", ""))
        waba = self.objects.waba_of(kind, object_id) if kind else None
        ensure_asset_access(token, waba, kind)
        # A hand-written handler where one models behaviour; every other operation is answered from Meta's spec.
        handler = HANDLERS.get(operation_id, spec.spec_handler)
        call = Call(self, request, operation, ids, token, app, raw, form, waba)
        answer = handler(call)
        fields = request.args.get("fields")
        if fields and request.method == "GET" and operation_id in spec.operations():
            answer = spec.only_fields(answer, fields, operation_id, kind)
        return answer, waba
