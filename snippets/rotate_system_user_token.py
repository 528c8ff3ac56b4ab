"""Generate the next token for a system user whose 60-day token is about to expire.

One POST /{system-user-id}/access_tokens with set_token_expires_in_60_days=true, made with an
admin system user's token (or the system user's own token, while it is still valid). The new
token goes where you choose: a file only you can read, or stdout if you ask for it. Meta does not
say the old token stops working: deploy the new one, check it, then revoke the old one.
Server-side only: the call carries a proof made with your app secret.

Copy graph_call.py, graph_http.py, graph_errors.py and graph_error_actions.json beside this file.
Needs Python 3.10+ and requests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass

try:  # imported as a package module (from snippets import rotate_system_user_token)
    from . import graph_call, graph_errors, graph_http
except ImportError:  # run as a script beside its siblings (python rotate_system_user_token.py)
    import graph_call  # type: ignore[no-redef,import-not-found]
    import graph_errors  # type: ignore[no-redef,import-not-found]
    import graph_http  # type: ignore[no-redef,import-not-found]

DEFAULT_BASE_URL = graph_http.DEFAULT_BASE_URL
DEFAULT_DEADLINE = 15.0  # seconds
WHATSAPP_SCOPES = ("whatsapp_business_management", "whatsapp_business_messaging")


class RotationFailed(graph_errors.GraphFailure):
    """No new token was made (the old one still works). When Graph may have made one that never
    arrived, graph_errors.MayHaveTakenEffect is raised instead: run again. Never contains a token
    or the app secret."""


@dataclass(frozen=True)
class NewToken:
    token: str

    def __repr__(self) -> str:  # a token never reaches a log through repr()
        return f"NewToken(token=...{self.token[-4:]})"


# --8<-- [start:rotate]
def rotate_system_user_token(
    system_user_id: str,
    admin_token: str,
    app_id: str,
    app_secret: str,
    scopes: tuple[str, ...] = WHATSAPP_SCOPES,
    *,
    base_url: str = DEFAULT_BASE_URL,
    deadline: float = DEFAULT_DEADLINE,
) -> NewToken:
    """Return a new 60-day token for the system user. One POST, never repeated."""
    given = {"admin_token": admin_token, "app_id": app_id, "app_secret": app_secret}
    empty = [name for name, value in given.items() if not value]
    if empty:
        raise RotationFailed(f"Empty: {', '.join(empty)}. Pass an admin token and your app's ID and secret.", sent=False)
    body = graph_call.call_once(
        "No new token.",
        RotationFailed,
        "POST",
        f"/{system_user_id}/access_tokens",
        maybe=" A token may have been made: run again.",
        token=admin_token,
        params={
            "business_app": app_id,
            "scope": ",".join(scopes),
            "set_token_expires_in_60_days": "true",
            "appsecret_proof": graph_http.appsecret_proof(app_secret, admin_token),
        },
        base_url=base_url,
        deadline=deadline,
    )
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise graph_errors.MayHaveTakenEffect("Graph's answer has no access_token (a proxy?). Run again.")
    return NewToken(token)


# --8<-- [end:rotate]


def write_private(path: str, secret: str) -> None:
    """Replace `path` atomically with a file only its owner can read (0600), so a reader of the
    file never sees half a token and no other user ever sees it at all."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".token-")  # created 0600
    try:
        with os.fdopen(handle, "w") as file:
            file.write(secret + "\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv: list[str], environ: dict[str, str]) -> int:
    """Rotate WHATSAPP_SYSTEM_USER_ID's token using WHATSAPP_ADMIN_TOKEN, META_APP_ID and
    META_APP_SECRET. Secrets come from the environment, never from arguments."""
    parser = argparse.ArgumentParser(description="Generate the next 60-day token for a system user.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="FILE", help="write the new token to FILE, readable by you only (0600)")
    where.add_argument("--print", action="store_true", help="print the new token on stdout (for a secrets manager's pipe)")
    args = parser.parse_args(argv)
    names = ("WHATSAPP_SYSTEM_USER_ID", "WHATSAPP_ADMIN_TOKEN", "META_APP_ID", "META_APP_SECRET")
    missing = [n for n in names if not environ.get(n)]
    if missing:
        print(f"Set {', '.join(missing)} in the environment first.", file=sys.stderr)
        return 2
    try:
        new = rotate_system_user_token(
            environ["WHATSAPP_SYSTEM_USER_ID"],
            environ["WHATSAPP_ADMIN_TOKEN"],
            environ["META_APP_ID"],
            environ["META_APP_SECRET"],
            base_url=environ.get("GRAPH_API_BASE") or DEFAULT_BASE_URL,
        )
    except graph_errors.GraphFailure as exc:
        print(f"rotation failed: {exc}", file=sys.stderr)
        return 1
    if args.print:
        print(new.token)
    else:
        try:
            write_private(args.out, new.token)
        except OSError as exc:
            problem = f"Got a new token but could not write {args.out}: {exc.strerror}."
            print(f"{problem} The old token still works: run again with a writable path.", file=sys.stderr)
            return 1
    done = "printed it" if args.print else f"wrote it to {args.out} (mode 600)"
    print(
        f"New token ending in ...{new.token[-4:]}: {done}. Deploy it, run the startup check, then revoke the old token.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], dict(os.environ)))
