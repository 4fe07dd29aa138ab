"""``cdp audiences``: compile the audience declarations into dbt models, or list them."""

from __future__ import annotations

import argparse
import sys


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "audiences", help="audiences as code: compile YAML into dbt models, list them"
    )
    sub = parser.add_subparsers(dest="audiences_command", required=True)
    compile_ = sub.add_parser("compile", help="write models/audiences/ from activation/audiences/*.yml")
    compile_.add_argument("--check", action="store_true", help="only check that the models are up to date")
    compile_.set_defaults(handler=_compile)
    list_ = sub.add_parser("list", help="print each audience, its groups and syncs")
    list_.set_defaults(handler=_list)


def _compile(args: argparse.Namespace) -> int:
    from cdp.activation.compile import outputs, stale, write
    from cdp.activation.spec import SpecError

    try:
        files = outputs()
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        out_of_date = stale(files)
        for path in out_of_date:
            print(f"{path} is out of date: run `cdp audiences compile`", file=sys.stderr)
        return 1 if out_of_date else 0
    for path in write(files):
        print(f"wrote {path}" if path.exists() else f"removed {path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from cdp.activation.spec import load_audiences

    for audience in load_audiences():
        syncs = ", ".join(f"{s.destination} ({s.mode})" for s in audience.syncs) or "no syncs"
        print(f"{audience.model}: groups {'/'.join(audience.groups)}; {syncs}")
    return 0
