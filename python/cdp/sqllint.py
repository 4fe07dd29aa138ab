"""sqlfluff over the dbt project, with room for deep expressions: ``python -m cdp.sqllint models macros``.

The normalisation macros expand into deeply nested function calls (street-type abbreviations alone nest 18
``regexp_replace`` calls), which overflows Python's default recursion limit inside sqlfluff's parser. This
runs sqlfluff's own CLI unchanged, on a thread with a larger stack and recursion limit.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence

RECURSION_LIMIT = 20_000
STACK_BYTES = 512 * 1024 * 1024


def main(argv: Sequence[str] | None = None) -> int:
    from sqlfluff.cli.commands import cli

    args = ["lint", *(argv if argv is not None else sys.argv[1:])]
    outcome: dict[str, int] = {"code": 1}

    def lint() -> None:
        try:
            cli.main(args=args, prog_name="sqlfluff", standalone_mode=True)
        except SystemExit as exit_:
            outcome["code"] = int(exit_.code or 0)

    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=lint, name="sqlfluff")
    thread.start()
    thread.join()
    return outcome["code"]


if __name__ == "__main__":
    sys.exit(main())
