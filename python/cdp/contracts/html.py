"""The great-expectations results of ``cdp contracts`` as one self-contained HTML page (no scripts, no
network): a summary, then one section per suite listing every expectation with its column, outcome and
observed value or unexpected sample. Failing suites come first and are open; passing ones are folded."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdp.contracts.run import SuiteResult

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } summary { cursor: pointer; font-weight: 600; padding: .3em 0; }
table { border-collapse: collapse; margin: .5em 0 1.5em; width: 100%; }
th, td { border: 1px solid #ddd; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } code { font-size: 12px; }
.ok { color: #1a7f37; } .fail { color: #cf222e; } .warn { color: #9a6700; }
tr.fail td { background: #ffebe9; } tr.warn td { background: #fff8c5; }
.summary td { width: auto; }
"""


def _status(check: dict) -> str:
    if check["success"]:
        return "ok"
    return "warn" if check.get("severity") == "warning" else "fail"


def _detail(check: dict) -> str:
    parts = []
    if check.get("error"):
        parts.append(f"error: {check['error']}")
    if check.get("observed") is not None:
        parts.append(f"observed: {check['observed']}")
    if check.get("unexpected_count"):
        percent = check.get("unexpected_percent")
        share = f" ({percent:.2f}%)" if isinstance(percent, (int, float)) else ""
        parts.append(f"unexpected: {check['unexpected_count']:,}{share}")
    if check.get("sample"):
        parts.append(f"sample: {json.dumps(check['sample'], ensure_ascii=False)[:300]}")
    return "<br>".join(escape(part) for part in parts)


def _suite(result: SuiteResult) -> str:
    status = "ok" if result.success else "fail"
    label = "passed" if result.success else f"{len(result.failures)} failed"
    if result.warnings:
        label += f", {len(result.warnings)} warnings"
    rows = []
    for check in sorted(result.checks, key=lambda c: {"fail": 0, "warn": 1, "ok": 2}[_status(c)]):
        kind = _status(check)
        arguments = json.dumps(check.get("kwargs") or {}, ensure_ascii=False, default=str)
        rows.append(
            f'<tr class="{kind}"><td class="{kind}">{kind}</td><td>{escape(check["expectation"])}</td>'
            f"<td>{escape(check.get('column') or '')}</td><td><code>{escape(arguments[:300])}</code></td>"
            f"<td>{_detail(check)}</td></tr>"
        )
    return (
        f'<details id="{escape(result.model)}"{"" if result.success else " open"}>'
        f'<summary><span class="{status}">{escape(result.model)}</span> — {label}; '
        f"{result.rows:,} rows, {result.expectations} expectations, {result.seconds:.2f} s</summary>"
        "<table><tr><th>result</th><th>expectation</th><th>column</th><th>arguments</th>"
        "<th>observed / unexpected</th></tr>" + "".join(rows) + "</table></details>"
    )


def render(results: list[SuiteResult], generated: datetime | None = None) -> str:
    failed = [r for r in results if not r.success]
    expectations = sum(r.expectations for r in results)
    failed_checks = sum(len(r.failures) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    seconds = sum(r.seconds for r in results)
    when = f" at {generated:%Y-%m-%d %H:%M:%S}" if generated else ""
    verdict = (
        '<span class="ok">all contracts hold</span>'
        if not failed
        else f'<span class="fail">{len(failed)} suites fail: '
        + ", ".join(f'<a href="#{escape(r.model)}">{escape(r.model)}</a>' for r in failed)
        + "</span>"
    )
    ordered = sorted(results, key=lambda r: (r.success, r.model))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Data contracts: {'FAILED' if failed else 'passed'}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Data contracts (great-expectations)</h1><p>{verdict}</p>"
        '<table class="summary"><tr><th>suites</th><th>expectations</th><th>failed expectations</th>'
        "<th>warnings</th><th>seconds</th></tr>"
        f"<tr><td>{len(results)}</td><td>{expectations:,}</td><td>{failed_checks}</td><td>{warnings}</td>"
        f"<td>{seconds:.1f}</td></tr></table>"
        f"<p>Written by <code>cdp contracts</code>{escape(when)}; see docs/governance/contracts.md.</p>"
        + "".join(_suite(r) for r in ordered)
        + "</body></html>\n"
    )
