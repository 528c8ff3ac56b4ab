"""Fail fast at startup when the WhatsApp token cannot do its job.

Call check_whatsapp_token() once when your service starts, not per request.
Needs Python 3.9+ and requests. Run it on a server only: it uses the app secret.
"""

import hashlib
import hmac
import logging
import os
import re

import requests

# Pin the version: an unversioned URL silently follows the app's default version.
GRAPH = os.environ.get("GRAPH_API_BASE", "https://graph.facebook.com") + "/v26.0"

REQUIRED_SCOPES = {"whatsapp_business_messaging", "whatsapp_business_management"}


class TokenProblem(PermissionError):
    """The token or the app's credentials are wrong. Retrying will not help; the message says what to fix."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code  # Graph's error code, when Graph gave one


class GraphUnavailable(RuntimeError):
    """The check could not run (network, timeout, proxy, outage). Retry later."""


class _RedactSecrets(logging.Filter):
    """urllib3 logs each request line, query string included, at DEBUG: mask the secrets in it."""

    _secret = re.compile(r"((?:input_token|access_token|appsecret_proof)=)[^&\s\"']+")

    def filter(self, record):
        record.msg, record.args = self._secret.sub(r"\1***", record.getMessage()), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactSecrets())


def _graph_get(path, access_token, app_secret, params=None, timeout=10):
    """GET a Graph path; return its JSON body or raise TokenProblem / GraphUnavailable.

    The access token travels in the Authorization header. Exceptions are raised outside the
    `except` blocks on purpose: requests' exceptions embed the full URL, query string included,
    and chaining them would put it in every traceback.
    """
    proof = hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
    failure = None
    try:
        response = requests.get(
            GRAPH + path,
            params={**(params or {}), "appsecret_proof": proof},
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout,
        )
    except requests.Timeout:
        failure = f"no answer within {timeout} s"
    except requests.RequestException as exc:
        failure = f"{type(exc).__name__} (network, DNS, proxy or TLS problem)"
    if failure:
        raise GraphUnavailable(f"Could not reach the Graph API: {failure}. Check connectivity and retry.")

    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        kind = response.headers.get("Content-Type", "no content type")
        raise GraphUnavailable(
            f"The Graph API answered HTTP {response.status_code} with a non-JSON body ({kind}); "
            "a proxy or an outage is in the way. Retry later."
        )
    if "error" in body:
        raise _error_from(response.status_code, body["error"])
    if response.status_code >= 500:
        raise GraphUnavailable(f"The Graph API answered HTTP {response.status_code}. Retry later.")
    return body


def _error_from(status, error):
    code, message = error.get("code"), error.get("message", "")
    said = f"Graph error {code}: {message}"
    if code == 190:
        return TokenProblem(f"{said}. The token is expired or revoked: generate a new one.", code)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return TokenProblem(f"{said}. Check the token's permissions and its access to the WABA.", code)
    if code == 100 and "App_id in the input_token" in message:
        return TokenProblem(
            f"{said}. The token was issued for another app: use that app's ID and secret, or generate a token in this app.",
            code,
        )
    if code in (1, 2, 4, 17, 80007) or status >= 500:
        return GraphUnavailable(f"{said}. This is temporary: retry with backoff.")
    return TokenProblem(f"{said}. Fix the request or the app settings named in the message.", code)


def check_whatsapp_token(token, app_id, app_secret, timeout=10):
    """Return debug_token's data if the token is valid, ours, and has every required scope."""
    app_token = f"{app_id}|{app_secret}"
    data = _graph_get("/debug_token", app_token, app_secret, {"input_token": token}, timeout).get("data", {})

    if not data.get("is_valid"):
        error = data.get("error", {})
        raise TokenProblem(
            f"The token is not valid (code {error.get('code')}, subcode {error.get('subcode')}: "
            f"{error.get('message', 'no reason given')}). Generate a new token."
        )
    if data.get("app_id") != str(app_id):
        raise TokenProblem(f"The token belongs to app {data.get('app_id')}, not {app_id}. Use a token generated in this app.")

    missing = REQUIRED_SCOPES - set(data.get("scopes", []))
    if missing:
        detail = ""
        if data.get("type") == "USER":  # a person's token: /me/permissions says why a scope is absent
            grants = _graph_get("/me/permissions", token, app_secret, timeout=timeout).get("data", [])
            status = {g["permission"]: g["status"] for g in grants}
            detail = " (" + ", ".join(f"{s}: {status.get(s, 'not requested')}" for s in sorted(missing)) + ")"
        raise TokenProblem(
            f"The token lacks {', '.join(sorted(missing))}{detail}. Generate a new token with every "
            "required permission selected: tokens keep the scopes they were created with."
        )
    return data


if __name__ == "__main__":
    missing = [name for name in ("WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"Set {', '.join(missing)} in the environment first (never in code).")
    info = check_whatsapp_token(os.environ["WHATSAPP_TOKEN"], os.environ["META_APP_ID"], os.environ["META_APP_SECRET"])
    expiry = "never expires" if info.get("expires_at") == 0 else f"expires at {info['expires_at']} (Unix time)"
    print(f"Token OK: {info.get('type')} token for app {info['app_id']}, {expiry}.")
