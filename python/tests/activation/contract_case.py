"""What the shared destination contract (test_destination_contract.py) needs to know about one destination.
Each destination adds one module under tests/activation/destinations/ (named after its type) defining
``CASE``; the contract collects them all, and a test fails when a destination has none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdp.destinations.emulator import VendorApp


@dataclass
class Case:
    """type: the destination type; app: its emulator class (None: no HTTP); fields: a mapping that sends the
    member's e-mail; held(app, export_dir): the e-mail addresses the destination holds now, as ``expect``
    renders them (``expect``: e.g. a SHA-256 for platforms that keep hashes); bad_row: overrides that make the
    vendor refuse a row (None: it refuses none); options: the destination's options; target: below."""

    type: str
    app: type[VendorApp] | None
    fields: dict[str, str]
    held: Callable[[VendorApp | None, Path | str], set[str]]
    expect: Callable[[str], str] = str
    bad_row: dict | None = None
    options: dict | None = None
    # Where the destination lives when it is neither an emulator nor a directory (a database DSN): given the
    # test's request (to ask for fixtures), it returns the ``url``, also passed to ``held`` for reading.
    target: Callable[[pytest.FixtureRequest], str] | None = None
