#!/usr/bin/env bash
# Developer loop without maturin: build the extension with cargo and drop it
# next to python/lazyxp/__init__.py, then run tests with PYTHONPATH=python.
# LAZYXP_WORKSPACE points at another checkout to build against (default: this one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ws="${LAZYXP_WORKSPACE:-$here/..}"
target="${CARGO_TARGET_DIR:-$here/../target}"
(cd "$ws" && CARGO_TARGET_DIR="$target" cargo build -p lazyxp-python ${LAZYXP_PROFILE:+--profile $LAZYXP_PROFILE})
suffix="$(python3 -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
cp "$target/${LAZYXP_PROFILE:-debug}/lib_lazyxp.so" "$here/lazyxp/_lazyxp$suffix"
