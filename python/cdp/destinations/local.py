"""Local emulators for the destinations declared in destinations.yml: one server per destination whose type
has
an emulator (file exports need none), for the main job (``cdp sync --emulators``) and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from cdp.activation.spec import DestinationSpec
from cdp.destinations.emulator import EmulatorServer, VendorApp


def emulator_apps() -> dict[str, type[VendorApp]]:
    """Destination type -> its emulator."""
    from cdp.destinations.hubspot.emulator import HubSpotApp
    from cdp.destinations.meta_custom_audiences.emulator import MetaApp
    from cdp.destinations.webhook.emulator import WebhookApp

    return {"hubspot": HubSpotApp, "meta_custom_audiences": MetaApp, "webhook": WebhookApp}


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
