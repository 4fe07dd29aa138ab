"""Local emulators for the destinations declared in destinations.yml: one server per destination whose type
has an emulator (file exports need none), for the main job (``cdp sync --emulators``) and the benchmarks."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from cdp.activation.spec import DestinationSpec
from cdp.destinations import emulator_apps
from cdp.destinations.emulator import EmulatorServer


@contextmanager
def start_emulators(destinations: dict[str, DestinationSpec]) -> Iterator[dict[str, EmulatorServer]]:
    apps = emulator_apps()
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(EmulatorServer(apps[spec.type]()))
            for name, spec in destinations.items()
            if spec.type in apps
        }
        yield servers


def point_at_emulators(
    destinations: dict[str, DestinationSpec],
    servers: dict[str, EmulatorServer],
    setenv: Callable[[str, str], None] = os.environ.__setitem__,
) -> None:
    """Point every destination that has a running emulator at it (in place) and put the emulator's token under
    every variable the destination reads a secret from."""
    for name, server in servers.items():
        spec = destinations[name]
        secrets = [spec.token_env, *(v for k, v in spec.options.items() if k.endswith("_env"))]
        for variable in filter(None, secrets):
            setenv(variable, server.app.token or "")
        destinations[name] = dataclasses.replace(spec, url=server.url)
