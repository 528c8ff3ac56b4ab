"""The mock Graph API as a WSGI app (werkzeug). It answers like graph.facebook.com.

Which token may call which endpoint comes from data/guide.yaml (permissions -> endpoints);
HTTP statuses of errors come from its graph_errors table; accepted versions from its version
lifecycle. Shapes follow ../shared/facts/whatsapp-cloud-api.md (sections cited inline).
"""

from __future__ import annotations

import base64
import collections
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

import guide_data
from mockgraph import demo, onboarding, status_webhooks

MAX_BODY = 1 << 20  # Graph rejects huge bodies; so do we, with a Graph-shaped error
VERSION_SEGMENT = re.compile(r"^v\d+(\.\d+)?$")
WHATSAPP_ENDPOINTS = {"messages", "object", "phone_numbers", "message_templates"}

_routes = Map(
    [
        Rule("/debug_token", endpoint="debug_token", methods=["GET"]),
        Rule("/me/permissions", endpoint="me_permissions", methods=["GET"]),
        # onboarding hook: Embedded Signup code exchange and webhook subscriptions (mockgraph/onboarding.py)
        Rule("/oauth/access_token", endpoint="oauth_access_token", methods=["GET"]),
        Rule("/<object_id>/subscribed_apps", endpoint="subscribed_apps", methods=["GET", "POST", "DELETE"]),
        Rule("/<object_id>/messages", endpoint="messages", methods=["POST"]),
        Rule("/<object_id>/phone_numbers", endpoint="phone_numbers", methods=["GET"]),
        Rule("/<object_id>/message_templates", endpoint="message_templates", methods=["GET", "POST"]),
        Rule("/<object_id>", endpoint="object", methods=["GET"]),
    ],
    strict_slashes=False,
    merge_slashes=False,
)


class GraphError(Exception):
    """An error answer in Graph's envelope (facts §3: message, type, code, error_subcode, fbtrace_id)."""

    def __init__(self, code, message, *, subcode=None, type="OAuthException", details=None):
        super().__init__(message)
        self.code, self.message, self.subcode, self.type, self.details = code, message, subcode, type, details


def unsupported(method: str, object_id: str) -> GraphError:
    # Facts §3: "Unsupported get request. Object with ID 'X' does not exist, cannot be loaded due to
    # missing permissions, or does not support this operation" (code 100, subcode 33).
    return GraphError(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the Graph "
        "API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
        type="GraphMethodException",
    )


class GraphMock:
    """WSGI app. ``today`` fixes the calendar (version lifecycle, token expiry) for tests."""

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
    ):
        self.data = data or guide_data.load()
        self._today = today
        self.strict = strict
        self.require_appsecret_proof = require_appsecret_proof
        # Rows where Meta lists no HTTP status (null) fall back to 400 in _status.
        self.http_status = {e["code"]: e["http_status"] for e in self.data["graph_errors"] if e["http_status"]}
        self.pinned = self.data["graph_api"]["pinned_version"]
        # (METHOD, path template) -> permissions that unlock it, straight from the YAML.
        self.unlocks: dict[tuple[str, str], set[str]] = {}
        for permission in self.data["permissions"]:
            for endpoint in permission["endpoints"]:
                method, template = endpoint.split(" ", 1)
                self.unlocks.setdefault((method, template), set()).add(permission["name"])
        self.templates = {("hello_world", "en_US")}
        # onboarding hook: per-mock state for codes and subscriptions, and who may call subscribed_apps
        self.onboarding = onboarding.Onboarding()
        for key, permissions in onboarding.UNLOCKS.items():
            self.unlocks.setdefault(key, set()).update(permissions)
        # Facts §8: 80 messages per second per number by default (130429 beyond), and a pair rate
        # limit per sender/recipient (131056). Meta's pair figures come from secondary sources
        # (about 1 message per 6 s, bursts up to 45); tests lower both limits to trigger them.
        self.throughput_mps, self.pair_limit, self.pair_window = throughput_mps, pair_limit, pair_window
        self._sent: dict[tuple[str, str], collections.deque] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()
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
        return [
            v["version"]
            for v in self.data["graph_api"]["versions"]
            if v["released"] and v["released"] <= today and (v["available_until"] is None or today < v["available_until"])
        ]

    def resolve_version(self, version: str, path: str) -> str:
        known = {v["version"]: v for v in self.data["graph_api"]["versions"]}
        available = self.available_versions()
        if version in available:
            return version
        entry = known.get(version)
        if entry and entry["released"] and entry["available_until"] and self.today >= entry["available_until"]:
            # Facts §1: calls to a version that is no longer usable "will be defaulted to the next
            # oldest, usable version". The facebook-api-version header shows which one answered.
            return available[-1]
        # Not a version Graph serves. Public client code records this answer (low confidence).
        raise GraphError(2500, f"Unknown path components: /{version}{path}")

    # -- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        self._record(request)
        trace_id = self._trace_id(request)
        served = self.pinned
        waba = None
        try:
            served, path = self._split_version(request.path)
            endpoint, args = self._route(request.method, path)
            body, waba = self._dispatch(request, endpoint, args)
            response = Response(json.dumps(body), status=200)
        except GraphError as error:
            response = Response(json.dumps(self._envelope(error, trace_id)), status=self._status(error))
        except Exception:  # a bug in the mock must still answer in Graph's shape (and fail the fuzz test)
            error = GraphError(1, "An unknown error occurred", type="GraphMethodException")
            response = Response(json.dumps(self._envelope(error, trace_id)), status=500)
        response.content_type = "application/json; charset=UTF-8"
        response.headers["facebook-api-version"] = served
        response.headers["x-fb-trace-id"] = trace_id
        if waba:
            # Facts §8: business use case usage, keyed by the business object's id.
            usage = [
                {"type": "whatsapp", "call_count": 1, "total_cputime": 1, "total_time": 1, "estimated_time_to_regain_access": 0}
            ]
            response.headers["x-business-use-case-usage"] = json.dumps({waba: usage})
        return response(environ, start_response)

    def _record(self, request: Request) -> None:
        body = None
        if request.mimetype == "application/json" and (request.content_length or 0) <= MAX_BODY:
            try:
                body = json.loads(request.get_data(cache=True) or b"null")
            except (ValueError, UnicodeDecodeError):
                body = None
        self.journal.append((request.method, request.path, body))

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

    def _route(self, method: str, path: str):
        try:
            return _routes.bind("graph.facebook.com").match(path, method=method)
        except HTTPException:  # not found, wrong method, or a redirect for "//" in the path
            return "unsupported", {"object_id": path.strip("/").split("/")[0] or "/"}

    def _status(self, error: GraphError) -> int:
        return self.http_status.get(error.code, 400)  # HTTP status as data/guide.yaml documents it

    def _trace_id(self, request: Request) -> str:
        # Deterministic, so the JSON on the site equals what the mock returns for the same request.
        # Seeded from the path without its version segment, so a version bump leaves the pages' JSON alone.
        first, _, rest = request.path.lstrip("/").partition("/")
        path = "/" + rest if VERSION_SEGMENT.match(first) else request.path
        seed = f"{request.method} {path} {request.get_data(cache=True)[:4096]!r}".encode()
        return "A" + base64.urlsafe_b64encode(hashlib.sha256(seed).digest()).decode()[:22]

    def _envelope(self, error: GraphError, trace_id: str) -> dict:
        body = {"message": error.message, "type": error.type, "code": error.code}
        if error.subcode is not None:
            body["error_subcode"] = error.subcode
        if error.details is not None:
            # WhatsApp endpoints (facts §4): error_data.details; error_subcode not sent since v16.0.
            body["error_data"] = {"messaging_product": "whatsapp", "details": error.details}
        body["fbtrace_id"] = trace_id
        return {"error": body}

    # -- authentication ---------------------------------------------------------------------------
    def _caller(self, request: Request):
        """Return (demo token or None, app) for the request's access token, or raise 190."""
        auth = request.headers.get("Authorization", "")
        value = auth[7:].strip() if auth[:7].lower() == "bearer " else request.args.get("access_token", "")
        if not value:
            raise GraphError(190, "An access token is required to request this resource.")
        token = demo.TOKENS_BY_VALUE.get(value)
        if token:
            app = token.app
        else:
            app_id, _, secret = value.partition("|")
            app = demo.APPS_BY_ID.get(app_id)
            if not app or not hmac.compare_digest(secret, app.secret):
                raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        if self.require_appsecret_proof:
            self._check_proof(request, value, app)
        return token, app

    def _check_proof(self, request: Request, token_value: str, app: demo.App) -> None:
        # Facts §6: appsecret_proof = HMAC-SHA256(key=app secret, msg=the access token), hex.
        proof = request.args.get("appsecret_proof") or request.form.get("appsecret_proof", "")
        if not proof:
            raise GraphError(100, "API calls from the server require an appsecret_proof argument", type="GraphMethodException")
        expected = hmac.new(app.secret.encode(), token_value.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(proof, expected):
            raise GraphError(100, "Invalid appsecret_proof provided in the API argument", type="GraphMethodException")

    def _usable(self, token, whatsapp: bool):
        """Reject invalid tokens the way other endpoints do (code 190)."""
        if token and token.error:
            code, subcode, message = token.error
            if whatsapp:  # WhatsApp endpoints: no error_subcode, error_data instead
                raise GraphError(code, message, details=message)
            raise GraphError(code, message, subcode=subcode)

    # -- endpoints --------------------------------------------------------------------------------
    def _dispatch(self, request: Request, endpoint: str, args: dict):
        if request.content_length and request.content_length > MAX_BODY:
            raise GraphError(100, f"(#100) The request body is larger than {MAX_BODY} bytes")
        if endpoint == "oauth_access_token":  # onboarding hook: authenticated by client_secret, not a token
            return self.onboarding.exchange_code(request, GraphError), None
        token, app = self._caller(request)
        if endpoint == "unsupported":
            raise unsupported(request.method, args["object_id"])
        if endpoint == "debug_token":
            self._usable(token, whatsapp=False)
            return self.debug_token(request, app), None
        if endpoint == "me_permissions":
            self._usable(token, whatsapp=False)
            if token is None:
                raise GraphError(2500, "An active access token must be used to query information about the current user.")
            return self.me_permissions(token), None
        return self._whatsapp(request, endpoint, args["object_id"], token)

    def debug_token(self, request: Request, viewing_app: demo.App) -> dict:
        value = request.args.get("input_token", "")
        if not value:
            raise GraphError(100, "(#100) The parameter input_token is required")
        token = demo.TOKENS_BY_VALUE.get(value)
        if token is None:
            error = {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"}
            return {"data": {"error": error, "is_valid": False, "scopes": []}}
        if token.app is not viewing_app:
            # Public client code records this answer for another app's token (facts gap; low confidence).
            raise GraphError(100, "(#100) The App_id in the input_token did not match the Viewing App")
        return {"data": self.token_data(token)}

    def token_data(self, token: demo.DemoToken) -> dict:
        """debug_token's data, field for field as in Meta's examples (facts §2)."""
        issued = demo.ISSUED_AT
        if token.lifetime_days and not token.error:  # a live expiring token: issued yesterday
            yesterday = self.today - dt.timedelta(days=1)
            issued = int(dt.datetime.combine(yesterday, dt.time(), dt.timezone.utc).timestamp())
        expires = issued + token.lifetime_days * 86400 if token.lifetime_days else 0
        data = {
            "app_id": token.app.id,
            "type": token.type,
            "application": token.app.name,
            "data_access_expires_at": issued + 90 * 86400 if token.type == "USER" else 0,
            "expires_at": expires,
            "is_valid": token.error is None,
            "issued_at": issued,
            "scopes": list(token.scopes),
        }
        granular = []
        for scope in token.scopes:
            if scope.startswith("whatsapp_"):
                entry = {"scope": scope}
                if token.targets:
                    entry["target_ids"] = list(token.targets)
                granular.append(entry)
        data["granular_scopes"] = granular
        if token.error:
            code, subcode, message = token.error
            data["error"] = {"code": code, "message": message, "subcode": subcode}  # subcode, not error_subcode
        data["user_id"] = token.user_id
        return data

    def me_permissions(self, token: demo.DemoToken) -> dict:
        statuses = token.statuses or {scope: "granted" for scope in token.scopes}
        return {"data": [{"permission": p, "status": s} for p, s in statuses.items()]}

    def _whatsapp(self, request: Request, endpoint: str, object_id: str, token):
        self._usable(token, whatsapp=True)
        if object_id in demo.PHONES:
            kind, waba = "phone-number-id", demo.PHONES[object_id]
        elif onboarding.phone_waba(object_id):  # onboarding hook: the test number
            kind, waba = "phone-number-id", onboarding.phone_waba(object_id)
        elif object_id in demo.WABAS:
            kind, waba = "waba-id", object_id
        else:
            raise unsupported(request.method, object_id)
        suffix = "" if endpoint == "object" else f"/{endpoint}"
        template = f"/{{{kind}}}{suffix}"
        allowed = self.unlocks.get((request.method, template))
        if allowed is None:
            raise unsupported(request.method, object_id)
        scopes = set(token.scopes) if token else set()
        if not allowed & scopes:
            needs = " or ".join(sorted(allowed, reverse=True))
            # Meta's OpenAPI 403 example: "Requires whatsapp_business_messaging or
            # whatsapp_business_management permission" (facts §4, code 200).
            raise GraphError(200, f"(#200) Requires {needs} permission", details=f"Requires {needs} permission")
        if waba not in (token.wabas if token else ()):
            # Facts §4: code 200 also when the token's user has no access to the asset.
            what = "phone number" if kind == "phone-number-id" else "WhatsApp Business Account"
            message = f"(#200) Your app doesn't have permission to access this {what}"
            raise GraphError(200, message, details=message[7:])
        handler = getattr(self, f"_{endpoint}_{request.method.lower()}", None)
        if handler is None:
            raise unsupported(request.method, object_id)
        return handler(request, object_id, waba), waba

    def _json_body(self, request: Request) -> dict:
        if request.mimetype == "application/json":
            try:
                body = json.loads(request.get_data(cache=True) or b"null")
            except (ValueError, UnicodeDecodeError):
                raise GraphError(
                    100, "(#100) The request body is not valid JSON", details="The request body could not be parsed as JSON."
                ) from None
        else:
            body = request.form.to_dict()
        if not isinstance(body, dict):
            raise GraphError(
                100, "(#100) The request body must be a JSON object", details="The request body must be a JSON object."
            )
        return body

    @staticmethod
    def _require(body: dict, *path: str):
        value = body
        for i, key in enumerate(path):
            value = value.get(key) if isinstance(value, dict) else None
            if value in (None, "", {}, []):
                name = ".".join(path[: i + 1])
                raise GraphError(100, f"(#100) The parameter {name} is required", details=f"The parameter {name} is required.")
        return value

    def _messages_post(self, request: Request, phone_id: str, waba: str) -> dict:
        body = self._json_body(request)
        if self._require(body, "messaging_product") != "whatsapp":
            raise GraphError(
                100, "(#100) Param messaging_product must be whatsapp", details="messaging_product must be whatsapp."
            )
        to = str(self._require(body, "to"))
        kind = body.get("type", "text")
        if kind == "text":
            self._require(body, "text", "body")
        elif kind == "template":
            name = str(self._require(body, "template", "name"))
            language = str(self._require(body, "template", "language", "code"))
            if (name, language) not in self.templates:
                raise GraphError(
                    132001,
                    "(#132001) Template name does not exist in the translation",
                    details=f"template name ({name}) does not exist in {language}",
                )
        else:
            raise GraphError(
                100,
                f"(#100) Param type is not supported by mockgraph: {kind}",
                details="mockgraph supports text and template messages.",
            )
        digits = re.sub(r"\D", "", to)
        self.onboarding.check_recipient(phone_id, digits, GraphError)  # onboarding hook: test-number allow list
        status_webhooks.check_drill(self, digits)  # [issue 11 hook] error drills, see mockgraph/status_webhooks.py
        if kind == "text" and digits not in demo.RECENT_WRITERS:
            # Facts §4: more than 24 h since the customer last replied: only a template may go out.
            raise GraphError(
                131047,
                "(#131047) Re-engagement message",
                details="Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            )
        self._check_rates(phone_id, digits)
        message_id = "wamid." + base64.b64encode(hashlib.sha256(f"{phone_id}:{to}".encode()).digest()[:24]).decode()
        result = {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": digits}], "messages": [{"id": message_id}]}
        if kind == "template":
            result["messages"][0]["message_status"] = "accepted"
        status_webhooks.after_accept(self, phone_id, waba, digits, result)  # [issue 11 hook] status webhooks
        return result

    def _check_rates(self, phone_id: str, recipient: str) -> None:
        now = time.monotonic()
        with self._lock:
            number = self._sent[(phone_id, "*")]
            pair = self._sent[(phone_id, recipient)]
            while number and now - number[0] >= 1.0:
                number.popleft()
            while pair and now - pair[0] >= self.pair_window:
                pair.popleft()
            if len(number) >= self.throughput_mps:
                raise GraphError(130429, "(#130429) Rate limit hit", details="Cloud API message throughput has been reached.")
            if len(pair) >= self.pair_limit:
                raise GraphError(
                    131056,
                    "(#131056) (Business Account, Consumer Account) pair rate limit hit",
                    details="Too many messages sent from this phone number to the same recipient "
                    "in a short period of time. Messages to other recipients can go out now.",
                )
            number.append(now)
            pair.append(now)

    def _object_get(self, request: Request, object_id: str, waba: str) -> dict:
        if object_id in demo.PHONES or onboarding.phone_waba(object_id):
            return self._phone(object_id)
        return {
            "id": waba,
            "name": "Demo Business WABA",
            "timezone_id": "1",
            "message_template_namespace": "demo_namespace_" + waba[-4:],
        }

    @staticmethod
    def _phone(phone_id: str) -> dict:
        return {
            "verified_name": "Demo Business",
            "display_phone_number": "+1 555-010-" + phone_id[-4:],
            "id": phone_id,
            "quality_rating": "GREEN",
        }

    def _phone_numbers_get(self, request: Request, waba: str, _waba: str) -> dict:
        # The spec's WhatsAppBusinessAccountPhoneNumber requires `status` on list entries.
        phones = [{**self._phone(p), "status": "LINKED"} for p, owner in demo.PHONES.items() if owner == waba]
        return {"data": phones, "paging": {"cursors": {"before": "QVFIUmxk", "after": "QVFIUmxk"}}}

    def _message_templates_get(self, request: Request, waba: str, _waba: str) -> dict:
        data = [
            {
                "name": name,
                "components": [{"type": "BODY", "text": "Hello World"}],
                "language": language,
                "status": "APPROVED",
                "category": "UTILITY",
                "id": "600000000000001",
            }
            for name, language in sorted(self.templates)
        ]
        return {"data": data, "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}}}

    def _message_templates_post(self, request: Request, waba: str, _waba: str) -> dict:
        body = self._json_body(request)
        for key in ("name", "language", "category", "components"):
            self._require(body, key)
        category = str(body["category"]).upper()
        digest = hashlib.sha256(f"{waba}:{body['name']}".encode()).hexdigest()
        return {"id": str(int(digest[:12], 16)), "status": "PENDING", "category": category}

    # onboarding hook: /{waba-id}/subscribed_apps is answered by mockgraph/onboarding.py
    def _subscribed_apps_get(self, request: Request, waba: str, _waba: str) -> dict:
        return self.onboarding.subscribed_apps(request, waba, self._caller(request)[1])

    _subscribed_apps_post = _subscribed_apps_delete = _subscribed_apps_get
