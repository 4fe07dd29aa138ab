"""Command-line entry point: ``cdp <command> [options]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cdp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    from cdp import summary
    from cdp.activation import cli as audiences_cli
    from cdp.contracts import cli as contracts_cli
    from cdp.datagen import cli as datagen_cli
    from cdp.identity import cli as identity_cli
    from cdp.marts import cli as marts_cli
    from cdp.replay import cli as replay_cli
    from cdp.sync import cli as sync_cli

    audiences_cli.add_parser(commands)
    datagen_cli.add_parser(commands)
    contracts_cli.add_parser(commands)
    identity_cli.add_parser(commands)
    marts_cli.add_parser(commands)
    replay_cli.add_parser(commands)
    summary.add_parser(commands)
    sync_cli.add_parser(commands)

    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
