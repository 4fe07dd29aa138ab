"""Synthetic customer data generator: messy multi-source raw tables plus the hidden ground truth.

Entry points: :func:`cdp.datagen.generate.generate` (library) and ``cdp datagen``
(CLI, :mod:`cdp.datagen.cli`).
"""

from __future__ import annotations

from cdp.datagen.config import GenConfig
from cdp.datagen.schema import SCHEMAS

__all__ = ["SCHEMAS", "GenConfig"]
