"""Run one vendor emulator in the foreground: ``python -m cdp.destinations.serve <type> [--port N]
[--no-rate-limit] [--no-token]``. Prints its URL on the first line of stdout, then serves until killed (the
benchmarks run the emulator in its own process so its memory and CPU are not the engine's)."""

from __future__ import annotations

import argparse
import sys
import threading

from cdp.destinations import emulator_apps
from cdp.destinations.emulator import EmulatorServer


def main(argv: list[str] | None = None) -> int:
    apps = emulator_apps()
    parser = argparse.ArgumentParser(prog="python -m cdp.destinations.serve", description=__doc__)
    parser.add_argument("type", choices=sorted(apps))
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--no-rate-limit", action="store_true", help="serve as fast as it can")
    parser.add_argument("--no-token", action="store_true", help="accept requests without a token")
    args = parser.parse_args(argv)
    options: dict = {}
    if args.no_rate_limit:
        options["rate_limit"] = None
    if args.no_token:
        options["token"] = None
    server = EmulatorServer(apps[args.type](**options), port=args.port).start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
