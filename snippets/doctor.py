"""python -m snippets.doctor — the guide's "Debugging permissions" section as one command.

Reads WHATSAPP_TOKEN, META_APP_ID and META_APP_SECRET (and optionally WHATSAPP_WABA_ID and
WHATSAPP_PHONE_NUMBER_ID) from the environment, never from arguments, which would end up in
shell history. Prints what kind of token it is, whether it is valid, when it expires, which
required permissions are missing, declined or expired, which WABAs it targets and whether it
reaches the given assets, with a fix and a guide link for each problem.

Exit status: 0 healthy (an expiring token is healthy, with a warning), 1 problems found,
2 could not check (network, or the app's credentials were refused).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys

# mkdocs.yml's default site_url (SITE_URL unset): the guide served by `mkdocs serve`.
GUIDE = "http://127.0.0.1:8000/whatsapp-permissions-guide/"
ENV_REQUIRED = ("WHATSAPP_TOKEN", "META_APP_ID", "META_APP_SECRET")

HEALTHY, PROBLEMS, COULD_NOT_CHECK = 0, 1, 2


def fingerprint(secret: str) -> str:
    """Enough to tell two tokens apart, never enough to use one."""
    return f"{secret[:6]}… ({len(secret)} chars)"


class Doctor:
    def __init__(self, graph, token: str, app_id: str, app_secret: str, waba_id=None, phone_id=None, say=print):
        self.graph, self.token, self.app_id, self.app_secret = graph, token, app_id, app_secret
        self.waba_id, self.phone_id, self.say = waba_id, phone_id, say
        self.verdict = {
            "token": {"fingerprint": fingerprint(token)},
            "permissions": {},
            "targets": {},
            "assets": {},
            "problems": [],
            "warnings": [],
        }

    def problem(self, what: str, fix: str, anchor: str) -> None:
        self.verdict["problems"].append({"what": what, "fix": fix, "guide": GUIDE + "#" + anchor})

    def step(self, text: str) -> None:
        self.say(f"… {text}")

    # Each check records into self.verdict; run() turns the record into an exit status.
    def run(self) -> int:
        graph = self.graph
        try:
            self.step("asking debug_token about the token")
            app_token = f"{self.app_id}|{self.app_secret}"
            body = graph._graph_get("/debug_token", app_token, self.app_secret, {"input_token": self.token})
            data = body.get("data", {})
            self.check_token(data)
            if data.get("is_valid") and data.get("app_id") == str(self.app_id):
                self.check_permissions(data)
                if not self.verdict["problems"]:  # a missing permission would mask asset access
                    self.check_assets()
        except graph.TokenProblem as exc:
            if exc.code == 100 and "another app" in str(exc):
                self.problem(
                    "The token was issued for another app.",
                    "Use a token generated in this app, or that app's ID and secret.",
                    "verify-token-validity-expiry-and-issuing-app",
                )
            else:
                return self.could_not_check(
                    f"Graph refused the app's credentials ({exc}). Check META_APP_ID and META_APP_SECRET."
                )
        except graph.GraphUnavailable as exc:
            return self.could_not_check(str(exc))
        status = PROBLEMS if self.verdict["problems"] else HEALTHY
        self.verdict["status"] = "problems" if status else "healthy"
        self.verdict["exit_code"] = status
        return status

    def could_not_check(self, reason: str) -> int:
        self.verdict.update(status="could-not-check", exit_code=COULD_NOT_CHECK, reason=reason)
        return COULD_NOT_CHECK

    def check_token(self, data: dict) -> None:
        info = self.verdict["token"]
        info.update(type=data.get("type"), app_id=data.get("app_id"), valid=bool(data.get("is_valid")))
        expires_at = data.get("expires_at")
        error = data.get("error") or {}
        if expires_at == 0:
            info["expires"] = "never"
        elif expires_at:
            info["expires"] = dt.datetime.fromtimestamp(expires_at, dt.timezone.utc).date().isoformat()
        if not data.get("is_valid"):
            if error.get("subcode") == 463:
                info["expires"] = "expired"
                what = "The token has expired."
            else:
                what = f"The token is not valid (Graph error {error.get('code')}, subcode {error.get('subcode')})."
            self.problem(what, "Generate a new token; check is_valid before anything else.", "production-token-setup")
            return
        if data.get("app_id") != str(self.app_id):
            self.problem(
                f"The token belongs to app {data.get('app_id')}, not {self.app_id}.",
                "Use a token generated in this app.",
                "verify-token-validity-expiry-and-issuing-app",
            )
            return
        if expires_at:
            self.verdict["warnings"].append(
                {
                    "what": f"The token expires on {info['expires']}.",
                    "fix": "Rotate it before then, or use a non-expiring System User token.",
                    "guide": GUIDE + "#production-token-setup",
                }
            )

    def check_permissions(self, data: dict) -> None:
        scopes = set(data.get("scopes", []))
        statuses = {}
        if data.get("type") == "USER" and not self.graph.REQUIRED_SCOPES <= scopes:
            self.step("asking /me/permissions why a permission is absent")
            grants = self.graph._graph_get("/me/permissions", self.token, self.app_secret).get("data", [])
            statuses = {g["permission"]: g["status"] for g in grants}
        for scope in sorted(self.graph.REQUIRED_SCOPES):
            state = "present" if scope in scopes else statuses.get(scope, "missing")
            if state == "granted":  # granted in /me/permissions yet absent from this token
                state = "missing"
            self.verdict["permissions"][scope] = state
            if state == "missing":
                self.problem(
                    f"{scope} is missing from the token.",
                    "Generate a new token with both WhatsApp permissions selected.",
                    "error-200-permission-required",
                )
            elif state in ("declined", "expired"):
                what = "was declined by the person who made the token" if state == "declined" else "has expired"
                self.problem(
                    f"{scope} {what}.",
                    "Ask the person to grant it again, then generate a new token.",
                    "check-what-a-token-has-been-granted",
                )
        for grant in data.get("granular_scopes", []):
            self.verdict["targets"][grant["scope"]] = grant.get("target_ids", "all")

    def check_assets(self) -> None:
        for kind, object_id in (("waba", self.waba_id), ("phone_number", self.phone_id)):
            if not object_id:
                continue
            self.step(f"reading the {kind.replace('_', ' ')} {object_id}")
            try:
                self.graph._graph_get(f"/{object_id}", self.token, self.app_secret)
                self.verdict["assets"][kind] = {"id": object_id, "access": "ok"}
            except self.graph.TokenProblem as exc:
                self.verdict["assets"][kind] = {"id": object_id, "access": f"refused (Graph error {exc.code})"}
                self.problem(
                    f"The token cannot reach the {kind.replace('_', ' ')} {object_id}.",
                    "Assign the asset to the system user (Business Settings → System users → "
                    "Assign assets), and check Advanced Access if another business owns it.",
                    "error-200-permission-required",
                )


def render(verdict: dict) -> str:
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
    if verdict.get("reason"):
        lines.append(f"Not checked  {verdict['reason']}")
    lines.append(f"Verdict      {verdict['status']} (exit {verdict['exit_code']})")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m snippets.doctor", description=__doc__.split("\n\n")[1])
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON (steps go to stderr)")
    parser.add_argument("--mock", action="store_true", help="run against an embedded mockgraph with the demo app")
    parser.add_argument(
        "--demo-token",
        default="healthy",
        metavar="NAME",
        help="with --mock: which demo token (python -m mockgraph --list-tokens)",
    )
    args = parser.parse_args(argv)
    out = sys.stderr if args.json else sys.stdout

    def say(text):
        print(text, file=out, flush=True)

    env = dict(os.environ)
    running = None
    if args.mock:
        from mockgraph import DEMO_APP, DEMO_TOKENS, serve, token_value
        from mockgraph.demo import CUSTOMER_PHONES, OWN_PHONE, OWN_WABA

        if args.demo_token not in DEMO_TOKENS:
            parser.error(f"unknown demo token {args.demo_token!r}; choose one of: {', '.join(DEMO_TOKENS)}")
        demo = DEMO_TOKENS[args.demo_token]
        waba = demo.targets[0] if demo.targets else OWN_WABA
        running = serve(quiet=True)
        env.update(
            GRAPH_API_BASE=running.base_url,
            WHATSAPP_TOKEN=token_value(args.demo_token),
            META_APP_ID=DEMO_APP.id,
            META_APP_SECRET=DEMO_APP.secret,
            WHATSAPP_WABA_ID=waba,
            WHATSAPP_PHONE_NUMBER_ID=CUSTOMER_PHONES.get(waba, OWN_PHONE),
        )
        say(f"doctor: using mockgraph and the demo token {args.demo_token!r}")
    missing = [name for name in ENV_REQUIRED if not env.get(name)]
    if missing:
        print(
            f"doctor: set {', '.join(missing)} in the environment (not as arguments: they would land in "
            "shell history), or try --mock.",
            file=sys.stderr,
        )
        return COULD_NOT_CHECK

    # The snippet reads GRAPH_API_BASE when imported: import it after the base URL is known.
    if env.get("GRAPH_API_BASE"):
        os.environ["GRAPH_API_BASE"] = env["GRAPH_API_BASE"]
    else:
        os.environ.pop("GRAPH_API_BASE", None)  # the snippet's own default: Meta's host
    graph = importlib.reload(importlib.import_module("snippets.startup_check"))
    doctor = Doctor(
        graph,
        env["WHATSAPP_TOKEN"],
        env["META_APP_ID"],
        env["META_APP_SECRET"],
        env.get("WHATSAPP_WABA_ID"),
        env.get("WHATSAPP_PHONE_NUMBER_ID"),
        say=say,
    )
    try:
        status = doctor.run()
    finally:
        if running:
            running.stop()
    if args.json:
        print(json.dumps(doctor.verdict, indent=2))
    else:
        print(render(doctor.verdict))
    return status


if __name__ == "__main__":
    sys.exit(main())
