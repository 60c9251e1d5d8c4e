"""The `songforge` command: serve, worker, keys, migrate, engines, settings, generate."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from songforge.settings import Settings


def _settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    if getattr(args, "data_dir", None):
        os.environ["SONGFORGE_DATA_DIR"] = str(args.data_dir)
    settings = Settings()
    return settings.model_copy(update=overrides) if overrides else settings


def cmd_serve(args: argparse.Namespace) -> int:
    """API + workers + callback sender in one process."""
    import uvicorn

    from songforge.app import create_app

    updates: dict[str, Any] = {}
    if args.host:
        updates["host"] = args.host
    if args.port:
        updates["port"] = args.port
    settings = _settings(args, **updates)
    app = create_app(settings, workers=args.workers)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False, loop="asyncio")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """A standalone worker for some queues (engine names, or 'media')."""
    from songforge.logging import configure_logging
    from songforge.runtime import Runtime
    from songforge.worker import Worker, warm_up

    settings = _settings(args)
    configure_logging(settings)
    queues = [q.strip() for q in args.engines.split(",") if q.strip()] if args.engines else None
    rt = Runtime(settings, migrate=True)
    warm_up(rt, queues)
    worker = Worker(rt, queues)
    # SIGTERM (a rolling deploy) finishes the job in hand, then exits; a killed worker's job waits out its lease
    signal.signal(signal.SIGTERM, lambda *_: setattr(worker, "stopping", True))
    asyncio.run(worker.run_forever())
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply database migrations."""
    from songforge.runtime import Runtime

    rt = Runtime(_settings(args), migrate=True)  # our schema, and procrastinate's when it is the queue
    print(f"database at {rt.settings.database_url.split('@')[-1]} is up to date")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    """Create, list or top up API keys."""
    from songforge.account import repository, service
    from songforge.runtime import Runtime

    rt = Runtime(_settings(args), migrate=True)
    if args.keys_cmd == "create":
        with rt.db.write() as s:
            new = service.create_key(s, name=args.name, credits=args.credits, unlimited=args.unlimited)
            info = (new.key.id, new.key.webhook_secret, new.key.kie_hmac_key)
        credits = "unlimited" if args.unlimited else f"{args.credits} credits"
        print(f"# key {info[0]} ({args.name or 'unnamed'}), {credits}", file=sys.stderr)
        print(f"# webhook secret (Standard Webhooks): {info[1]}", file=sys.stderr)
        print(f"# KIE webhookHmacKey: {info[2]}", file=sys.stderr)
        print(new.raw)
    elif args.keys_cmd == "list":
        with rt.db.read() as s:
            for key in repository.all_keys(s):
                credits = "unlimited" if key.unlimited else str(key.credits)
                state = " disabled" if key.disabled else ""
                print(f"{key.id}\t{key.key_prefix}…\t{key.name}\t{credits}{state}")
    elif args.keys_cmd in ("disable", "enable"):
        with rt.db.write() as s:
            found = repository.by_id(s, args.id)
            if found is None:
                print(f"no key {args.id}", file=sys.stderr)
                return 1
            found.disabled = args.keys_cmd == "disable"
        print(f"key {args.id} {args.keys_cmd}d (running servers notice within 10 s)")
    elif args.keys_cmd == "grant":
        with rt.db.write() as s:
            service.grant(s, args.id, args.credits)
        print(f"granted {args.credits} credits to key {args.id}")
    return 0


def cmd_engines(args: argparse.Namespace) -> int:
    """List installed engines."""
    from songforge.engines.registry import describe

    default = _settings(args).default_engine
    for info in describe():
        mark = " (default)" if info.name == default else ""
        status = f"BROKEN: {info.error}" if info.error else ", ".join(info.kinds)
        print(f"{info.name}{mark}\t{info.target}\t{status}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Make a song with an engine directly, without a server; files go to --out."""
    from songforge.cli_generate import generate

    return generate(args, _settings(args))


def cmd_settings(args: argparse.Namespace) -> int:
    """Print every setting (env var, default, meaning) as a markdown table."""
    from songforge.settings_doc import markdown

    print(markdown(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="songforge", description="Self-hosted Suno-compatible music API.")
    parser.add_argument("--data-dir", help="data directory (env SONGFORGE_DATA_DIR)")
    sub = parser.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("serve", help="run the API with workers and the callback sender")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: settings)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run a standalone worker")
    p.add_argument("--engines", default="", help="comma-separated queues (engine names, 'media'); default all")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("keys", help="manage API keys")
    ks = p.add_subparsers(dest="keys_cmd", required=True)
    c = ks.add_parser("create", help="create a key; the key is the last line of stdout")
    c.add_argument("--name", default="")
    group = c.add_mutually_exclusive_group()
    group.add_argument("--credits", type=int, default=0)
    group.add_argument("--unlimited", action="store_true")
    ks.add_parser("list", help="list keys")
    for verb in ("disable", "enable"):
        d = ks.add_parser(verb, help=f"{verb} a key")
        d.add_argument("id", type=int)
    g = ks.add_parser("grant", help="add credits to a key")
    g.add_argument("id", type=int)
    g.add_argument("credits", type=int)
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("engines", help="list installed engines")
    p.set_defaults(func=cmd_engines)

    p = sub.add_parser("settings", help="list every setting as an environment variable")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("generate", help="make a song from the command line")
    p.add_argument("--description", default="", help="inspiration mode: an idea; lyrics are written for you")
    p.add_argument("--lyrics", default="", help="custom mode: lyrics text, or @file to read them from a file")
    p.add_argument("--tags", default="", help="style tags, comma separated")
    p.add_argument("--negative-tags", default="")
    p.add_argument("--title", default="")
    p.add_argument("--instrumental", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--clips", type=int, default=2)
    p.add_argument("--engine", default="", help="engine name (default: settings' default engine)")
    p.add_argument("--out", type=Path, default=Path("songs"), help="output directory")
    p.set_defaults(func=cmd_generate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
