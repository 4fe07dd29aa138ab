#!/usr/bin/env bash
# Create or refresh the project's virtualenv from the pinned requirements. Idempotent and quick when nothing
# changed: the venv records a hash of what it was built from.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CDP_ROOT"

python_bin="${CDP_PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null || python_bin=python3
"$python_bin" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
    || { echo "setup: Python 3.11 is required (set CDP_PYTHON)" >&2; exit 1; }

if ! command -v java >/dev/null; then
    echo "setup: Java is needed for the Spark target; installing a headless JRE" >&2
    if command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
    else
        echo "setup: no java and no apt-get: install Java 17 for the Spark target" >&2
    fi
fi

stamp="$(cat requirements.txt requirements.lock python/pyproject.toml | sha256sum | cut -c1-16)"
if [[ -f "$CDP_VENV/.cdp-stamp" && "$(cat "$CDP_VENV/.cdp-stamp")" == "$stamp" ]]; then
    exit 0
fi

echo "setup: building $CDP_VENV from requirements.txt (about a minute)"
"$python_bin" -m venv "$CDP_VENV"
"$CDP_VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade "pip==26.3"
"$CDP_VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
"$CDP_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -e python
echo "$stamp" > "$CDP_VENV/.cdp-stamp"
echo "setup: done"
