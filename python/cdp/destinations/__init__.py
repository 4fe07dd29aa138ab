"""Destinations, one folder per vendor, each implementing :class:`cdp.destinations.base.Destination` in
``destination.py`` and, for an HTTP API, emulating it in ``emulator.py`` (a :class:`VendorApp` that enforces
the vendor's documented limits) for the tests, the benchmarks and the main job. Adding a folder adds the
destination: ``registry()`` and ``emulator_apps()`` find it by its ``type`` (= the folder name)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from cdp.destinations.base import Destination
from cdp.destinations.emulator import VendorApp


def _folders() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.ispkg)


def _classes(module_name: str, base: type) -> list[type]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return []
        raise
    return [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, base) and v is not base]


@cache
def registry() -> dict[str, type[Destination]]:
    """Destination type (its folder) -> its class."""
    out = {}
    for folder in _folders():
        for cls in _classes(f"{__name__}.{folder}.destination", Destination):
            if cls.type != folder:
                raise TypeError(
                    f"{cls.__name__}.type is {cls.type!r}, but it lives in destinations/{folder}/"
                )
            out[folder] = cls
    return out


@cache
def emulator_apps() -> dict[str, type[VendorApp]]:
    """Destination type -> its vendor API emulator (file_export and other non-HTTP types have none)."""
    out = {}
    for folder in _folders():
        for cls in _classes(f"{__name__}.{folder}.emulator", VendorApp):
            out[folder] = cls
    return out
