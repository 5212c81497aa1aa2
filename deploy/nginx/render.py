"""Render deploy/nginx/whistle.conf for one installation.

    python3 deploy/nginx/render.py --listen 0.0.0.0:80 --prefix /var/lib/whistle-proxy \
        --upstream 127.0.0.1:8080 [--upstream 127.0.0.1:8081 ...] [--user www-data] > whistle.conf
    nginx -p /var/lib/whistle-proxy -c /etc/nginx/whistle.conf

The prefix holds nginx's pid, error log and temporary directories (created here). Several
--upstream values put several `whistle serve` behind the one proxy."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("whistle.conf")
TEMP_DIRS = ("client_body_temp", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp")
_SAFE = re.compile(r"^[A-Za-z0-9_./:\[\]-]+$")


def render(*, listen: str, upstreams: list[str], prefix: Path | str, max_body: str = "4400m",
           user: str | None = None) -> str:
    """The configuration text. Every value is checked to be one plain word: nothing a value
    holds can end a directive and start another."""
    if not upstreams:
        raise ValueError("at least one upstream server")
    for value in (listen, str(prefix), max_body, *upstreams, *([user] if user else [])):
        if not _SAFE.match(value):
            raise ValueError(f"not a plain value: {value!r}")
    text = TEMPLATE.read_text()
    values = {
        "USER": f"user {user};" if user else "# user: the one nginx is started as",
        "PREFIX": str(prefix),
        "LISTEN": listen,
        "MAX_BODY": max_body,
        "UPSTREAM_SERVERS": "\n".join(f"        server {u} max_fails=0;" for u in upstreams),
    }
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    leftover = re.search(r"@@[A-Z_]+@@", text)
    if leftover:
        raise ValueError(f"template placeholder without a value: {leftover.group(0)}")
    return text


def make_prefix(prefix: Path) -> None:
    """The prefix and its temporary directories, private to the user nginx runs as."""
    prefix.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in TEMP_DIRS:
        (prefix / name).mkdir(mode=0o700, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="address:port nginx listens on")
    parser.add_argument("--upstream", action="append", required=True, help="address:port of a `whistle serve`")
    parser.add_argument("--prefix", required=True, type=Path, help="nginx's own directory (pid, log, temp)")
    parser.add_argument("--max-body", default="4400m", help="ceiling above every view's own limit")
    parser.add_argument("--user", help="the user nginx's workers run as, when started as root")
    args = parser.parse_args(argv)
    make_prefix(args.prefix)
    sys.stdout.write(render(listen=args.listen, upstreams=args.upstream, prefix=args.prefix,
                            max_body=args.max_body, user=args.user))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
