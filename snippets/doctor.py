"""python -m snippets.doctor — the guide's "Debugging permissions" section as one command.

Reads WHATSAPP_TOKEN, META_APP_ID and META_APP_SECRET (and optionally WHATSAPP_WABA_ID and
WHATSAPP_PHONE_NUMBER_ID) from the environment, never from arguments, which would end up in
shell history. Prints what kind of token it is, whether it is valid, when it expires, which
required permissions are missing, declined or expired, which WABAs it targets and whether it
reaches the given assets, with a fix and a guide link for each problem. When Graph refuses a call
for a permission (code 10 or 200), it names the permission that call needs, from the guide's
operation map (operation_permissions.json beside this file), and says whether Meta states it or
the guide infers it. Guide links start at SITE_URL (default http://127.0.0.1:8000/, the guide
served locally by `mkdocs serve`).

Exit status: 0 healthy (an expiring token is healthy, with a warning), 1 problems found,
2 could not check (network, deadline, an unreadable answer, or Graph refused META_APP_ID and
META_APP_SECRET). Every path prints the verdict, as JSON under --json; all calls together
finish within DEFAULT_DEADLINE (60 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from snippets import startup_check
from snippets.startup_check import AppCredentialsProblem, GraphUnavailable, TokenProblem

# mkdocs.yml's default site_url (SITE_URL unset): the guide served by `mkdocs serve`.
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
OPERATIONS_PAGE = "endpoint-permissions/"
# Where each kind of problem is explained: the section that holds the content (never a "moved" pointer).
NEW_CREDENTIAL_PAGE = "production-tokens/#own-business-system-user"
ISSUING_APP = "troubleshooting/#verify-token-validity-expiry-and-issuing-app"
PERMISSION_REQUIRED = "errors/200/#in-practice"  # error 200's page: its three causes and their fixes
GRANTS = "troubleshooting/#check-what-a-token-has-been-granted"
# Graph's permission refusals: 10 "Permission Denied" and 200 "API Permission" (the guide's error table).
PERMISSION_REFUSALS = (10, 200)
_OPERATIONS_FILE = Path(__file__).with_name("operation_permissions.json")
ENV_REQUIRED = ("WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET")
TOKEN_EXPIRED_SUBCODE = 463  # debug_token's error.subcode for an expired token

HEALTHY, PROBLEMS, COULD_NOT_CHECK = 0, 1, 2


def load_operations(path: Path = _OPERATIONS_FILE) -> dict[str, dict[str, Any]]:
    """The guide's operation map: "METHOD /path/{template}" -> {id, permissions, all_required, stated}."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["operations"])


@functools.lru_cache(maxsize=1)
def _shipped_operations() -> dict[str, dict[str, Any]]:
    return load_operations()  # read when a refused call first needs it, not at import


def permission_needed(operation: str, site_url: str = DEFAULT_SITE_URL) -> dict[str, Any] | None:
    """What the operation map says `operation` needs, or None when it names no permission."""
    entry = _shipped_operations().get(operation)
    if not entry or not entry["permissions"]:
        return None
    joined = (" and " if entry["all_required"] else " or ").join(entry["permissions"])
    source = "Meta states this" if entry["stated"] else "the guide's inference; Meta does not state it"
    return {
        "operation": operation,
        "permissions": list(entry["permissions"]),
        "all_required": bool(entry["all_required"]),
        "stated_by_meta": bool(entry["stated"]),
        "says": f"{operation} needs {joined} ({source}).",
        "guide": f"{site_url}{OPERATIONS_PAGE}#op-{entry['id']}",
    }


def fingerprint(secret: str) -> str:
    """Enough to tell two tokens apart, never enough to use one."""
    return f"{secret[:6]}… ({len(secret)} chars)"


class Doctor:
    def __init__(
        self,
        token: str,
        app_id: str,
        app_secret: str,
        waba_id: str | None = None,
        phone_id: str | None = None,
        say: Callable[[str], None] = print,
        base_url: str = startup_check.DEFAULT_BASE_URL,
        deadline: float = startup_check.DEFAULT_DEADLINE,
        site_url: str = DEFAULT_SITE_URL,
    ) -> None:
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.token, self.app_id, self.app_secret = token, app_id, app_secret
        self.waba_id, self.phone_id, self.say = waba_id, phone_id, say
        self.base_url, self.deadline = base_url, deadline
        self.stop_at = time.monotonic() + deadline
        self.token_info: dict[str, Any] = {"fingerprint": fingerprint(token)}
        self.permissions: dict[str, str] = {}
        self.targets: dict[str, Any] = {}
        self.assets: dict[str, dict[str, str]] = {}
        self.problems: list[dict[str, str]] = []
        self.warnings: list[dict[str, str]] = []
        self.verdict: dict[str, Any] = {
            "token": self.token_info,
            "permissions": self.permissions,
            "targets": self.targets,
            "assets": self.assets,
            "problems": self.problems,
            "warnings": self.warnings,
        }

    def guide(self, section: str) -> str:
        return f"{self.site_url}{section}"

    def problem(self, what: str, fix: str, section: str, **extra: Any) -> None:
        self.problems.append({"what": what, "fix": fix, "guide": self.guide(section), **extra})

    def left(self) -> float:
        """Seconds left of the doctor's one deadline, shared by all its calls."""
        return self.stop_at - time.monotonic()

    def step(self, text: str) -> None:
        self.say(f"… {text}")

    # Each check records into self.verdict; run() turns the record into an exit status.
    def run(self) -> int:
        self.stop_at = time.monotonic() + self.deadline
        try:
            self.step("asking debug_token about the token")
            data = startup_check.debug_token(
                self.token, self.app_id, self.app_secret, base_url=self.base_url, deadline=self.left()
            )
            self.check_token(data)
            if data["is_valid"] and data["app_id"] == str(self.app_id):
                self.check_permissions(data)
                if not self.problems:  # a missing permission would mask asset access
                    self.check_assets()
        except AppCredentialsProblem as exc:
            if exc.code == 100:  # debug_token's answer when the token was issued by another app
                self.problem(
                    "Graph refused to describe the token to this app (code 100): it was most likely issued by another app.",
                    "Use a token generated in this app, or set META_APP_ID and META_APP_SECRET to the issuing app's.",
                    ISSUING_APP,
                )
            else:
                return self.could_not_check(str(exc))
        except (TokenProblem, GraphUnavailable) as exc:
            return self.could_not_check(str(exc))
        except Exception as exc:  # noqa: BLE001 - the doctor reports, it never prints a traceback
            return self.could_not_check(f"unexpected {type(exc).__name__} while checking; please report it")
        status = PROBLEMS if self.problems else HEALTHY
        self.verdict["status"] = "problems" if status else "healthy"
        self.verdict["exit_code"] = status
        return status

    def could_not_check(self, reason: str) -> int:
        self.verdict.update(status="could-not-check", exit_code=COULD_NOT_CHECK, reason=reason)
        return COULD_NOT_CHECK

    def check_token(self, data: dict[str, Any]) -> None:
        info = self.token_info
        info.update(type=data.get("type"), app_id=data.get("app_id"), valid=data["is_valid"])
        expires_at = data.get("expires_at")
        error = data.get("error") or {}
        if expires_at == 0:
            info["expires"] = "never"
        elif expires_at:
            try:
                info["expires"] = dt.datetime.fromtimestamp(expires_at, dt.timezone.utc).date().isoformat()
            except (OverflowError, OSError, ValueError):
                info["expires"] = f"unreadable ({expires_at})"
        if not data["is_valid"]:
            if error.get("subcode") == TOKEN_EXPIRED_SUBCODE:
                info["expires"] = "expired"
                what = "The token has expired."
            else:
                what = f"The token is not valid (Graph error {error.get('code')}, subcode {error.get('subcode')})."
            self.problem(what, "Generate a new token; check is_valid before anything else.", NEW_CREDENTIAL_PAGE)
            return
        if data["app_id"] != str(self.app_id):
            self.problem(
                f"The token belongs to app {data['app_id']}, not {self.app_id}.",
                "Use a token generated in this app.",
                ISSUING_APP,
            )
            return
        if expires_at:
            self.warnings.append(
                {
                    "what": f"The token expires on {info['expires']}.",
                    "fix": "Rotate it before then, or use a non-expiring System User token.",
                    "guide": self.guide(NEW_CREDENTIAL_PAGE),
                }
            )

    def check_permissions(self, data: dict[str, Any]) -> None:
        scopes = set(data["scopes"])
        statuses: dict[str, str] = {}
        if data.get("type") == "USER" and not startup_check.REQUIRED_SCOPES <= scopes:
            self.step("asking /me/permissions why a permission is absent")
            statuses = startup_check.permission_statuses(
                self.token, self.app_secret, base_url=self.base_url, deadline=self.left()
            )
        for scope in sorted(startup_check.REQUIRED_SCOPES):
            state = "present" if scope in scopes else statuses.get(scope, "missing")
            if state == "granted":  # granted in /me/permissions yet absent from this token
                state = "missing"
            self.permissions[scope] = state
            if state == "missing":
                self.problem(
                    f"{scope} is missing from the token.",
                    "Generate a new token with both WhatsApp permissions selected.",
                    PERMISSION_REQUIRED,
                )
            elif state in ("declined", "expired"):
                what = "was declined by the person who made the token" if state == "declined" else "has expired"
                self.problem(
                    f"{scope} {what}.",
                    "Ask the person to grant it again, then generate a new token.",
                    GRANTS,
                )
        for grant in data.get("granular_scopes", []):
            self.targets[grant["scope"]] = grant.get("target_ids", "all")

    def check_assets(self) -> None:
        assets = (("waba", self.waba_id, "GET /{waba-id}"), ("phone_number", self.phone_id, "GET /{phone-number-id}"))
        for kind, object_id, operation in assets:
            if not object_id:
                continue
            self.step(f"reading the {kind.replace('_', ' ')} {object_id}")
            try:
                startup_check.graph_get(
                    f"/{object_id}", self.token, self.app_secret, base_url=self.base_url, deadline=self.left()
                )
                self.assets[kind] = {"id": object_id, "access": "ok"}
            except TokenProblem as exc:
                self.assets[kind] = {"id": object_id, "access": f"refused (Graph error {exc.code})"}
                needed = permission_needed(operation, self.site_url) if exc.code in PERMISSION_REFUSALS else None
                self.problem(
                    f"The token cannot reach the {kind.replace('_', ' ')} {object_id}.",
                    "Assign the asset to the system user (Business Settings → System users → "
                    "Assign assets), and check Advanced Access if another business owns it.",
                    PERMISSION_REQUIRED,
                    **({"needs": needed} if needed else {}),
                )


def render(verdict: dict[str, Any]) -> str:
    token = verdict["token"]
    lines = [
        "",
        f"Token        {token['fingerprint']}, {token.get('type') or 'unknown type'}, app {token.get('app_id')}",
        f"Valid        {'yes' if token.get('valid') else 'no'}",
        f"Expires      {token.get('expires', 'unknown')}",
    ]
    for scope, state in verdict["permissions"].items():
        lines.append(f"Permission   {scope}: {state}")
    for scope, targets in verdict["targets"].items():
        lines.append(f"Targets      {scope}: {targets if targets == 'all' else ', '.join(targets)}")
    for kind, asset in verdict["assets"].items():
        lines.append(f"Asset        {kind.replace('_', ' ')} {asset['id']}: {asset['access']}")
    for label, items in (("Problem", verdict["problems"]), ("Warning", verdict["warnings"])):
        for item in items:
            lines += [f"{label}      {item['what']}", f"  fix        {item['fix']}", f"  see        {item['guide']}"]
            if "needs" in item:
                lines += [f"  needs      {item['needs']['says']}", f"  see        {item['needs']['guide']}"]
    if verdict.get("reason"):
        lines.append(f"Not checked  {verdict['reason']}")
    lines.append(f"Verdict      {verdict['status']} (exit {verdict['exit_code']})")
    return "\n".join(lines)


def main(
    argv: list[str] | None = None,
    environ: Mapping[str, str] | None = None,
    deadline: float = startup_check.DEFAULT_DEADLINE,
) -> int:
    """The command line. `environ` is where credentials come from (the process environment when run);
    `deadline` bounds all the checks' calls together, in seconds."""
    parser = argparse.ArgumentParser(prog="python -m snippets.doctor", description=(__doc__ or "").split("\n\n")[1])
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON (steps go to stderr)")
    args = parser.parse_args(argv)
    out = sys.stderr if args.json else sys.stdout

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    def cannot_start(message: str, reason: str) -> int:
        print(f"doctor: {message}", file=sys.stderr)
        if args.json:  # JSON on every path, so that CI can always parse the answer
            print(json.dumps({"status": "could-not-check", "exit_code": COULD_NOT_CHECK, "reason": reason}, indent=2))
        return COULD_NOT_CHECK

    env = dict(environ if environ is not None else {})
    site_url = env.get("SITE_URL") or DEFAULT_SITE_URL
    if not site_url.startswith(("http://", "https://")):
        return cannot_start(
            f"SITE_URL must be the guide's http(s) address, e.g. {DEFAULT_SITE_URL}; unset it for that default.",
            "SITE_URL is not an http(s) URL",
        )
    missing = [name for name in ENV_REQUIRED if not env.get(name)]
    if missing:
        return cannot_start(
            f"set {', '.join(missing)} in the environment (not as arguments: they would land in "
            "shell history), or try a demo token: python -m mockgraph doctor --demo-token declined.",
            f"{', '.join(missing)} not set",
        )
    doctor = Doctor(
        env["WHATSAPP_TOKEN"],
        env["META_APP_ID"],
        env["META_APP_SECRET"],
        env.get("WHATSAPP_WABA_ID"),
        env.get("WHATSAPP_PHONE_NUMBER_ID"),
        say=say,
        base_url=env.get("GRAPH_API_BASE") or startup_check.DEFAULT_BASE_URL,
        deadline=deadline,
        site_url=site_url,
    )
    status = doctor.run()
    print(json.dumps(doctor.verdict, indent=2) if args.json else render(doctor.verdict))
    return status


if __name__ == "__main__":
    sys.exit(main(environ=os.environ))
