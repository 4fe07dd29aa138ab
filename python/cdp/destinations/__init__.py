"""Destinations, one folder per vendor, each implementing :class:`cdp.destinations.base.Destination` and each
with an emulator of the vendor's API (``emulator.py``) that enforces its documented limits, for the tests, the
benchmarks and the main job. ``registry()`` maps a destination type (its folder name) to its class."""

from __future__ import annotations

from cdp.destinations.base import Destination


def registry() -> dict[str, type[Destination]]:
    from cdp.destinations.file_export.destination import FileExport
    from cdp.destinations.hubspot.destination import HubSpot
    from cdp.destinations.meta_custom_audiences.destination import MetaCustomAudiences
    from cdp.destinations.webhook.destination import Webhook

    return {cls.type: cls for cls in (FileExport, HubSpot, MetaCustomAudiences, Webhook)}
