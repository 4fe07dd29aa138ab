"""cdp: the Python half of the composable CDP (data generator, contract checks, sync engine)."""

from __future__ import annotations

__version__ = "0.1.0"
