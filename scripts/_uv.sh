# Sourced by the scripts: makes `uv` available (installing it with pip into .tools/ if missing),
# then installs the locked dependencies. Needs only Python >= 3.11 with pip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v uv >/dev/null 2>&1; then
  if [ ! -x .tools/bin/uv ]; then
    echo "Installing uv into .tools/ ..."
    python3 -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check uv
  fi
  export PATH="$PWD/.tools/bin:$PATH"
fi
export UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}"  # use the machine's Python
manage() { uv run --no-sync python manage.py "$@"; }
