"""Local emulators for the destinations declared in destinations.yml: one server per destination whose type
has an emulator (file exports need none), for the main job (``cdp sync --emulators``) and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
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
