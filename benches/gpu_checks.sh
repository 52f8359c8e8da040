#!/usr/bin/env bash
# Issue 6's checks that need a GPU, in two halves, because a GPU machine
# has the driver but neither Rust nor MLIR:
#
#   bash benches/gpu_checks.sh pack [DIR]   # here: build the GPU test binaries and
#                                           # the bandwidth bench with `--features cuda`,
#                                           # stripped, into DIR/gpu.tar.xz (default .gpu)
#   bash benches/gpu_checks.sh run [DIR]    # on the GPU machine: unpack, run them all,
#                                           # logs and the CuPy table into $OUT (or DIR/out)
#
# `run` goes on past a failing step so one call gathers everything, and
# ends with a summary line per step. The binaries link MLIR statically
# (~180 MB each stripped); they share most of it, which xz with a large
# window finds, so the archive stays near 40 MB.
set -u
mode=${1:?pack or run}
dir=${2:-.gpu}

if [ "$mode" = pack ]; then
    set -e
    mkdir -p "$dir/bin"
    exe() { cargo "$@" --release --message-format=json 2>/dev/null | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1; }
    cp "$(exe test -p lazyxp-runtime --features cuda --lib --no-run)" "$dir/bin/runtime"
    cp "$(exe test -p lazyxp-compiler --features cuda --test ptx_gpu --no-run)" "$dir/bin/ptx_gpu"
    cp "$(exe test -p lazyxp --features cuda --test device --no-run)" "$dir/bin/device"
    cp "$(exe build -p lazyxp-benches --features cuda --example gpu_stream)" "$dir/bin/gpu_stream"
    # The Python package with the CUDA backend, for the GPU machine's Python
    # (3.12 on the lent ones; PYO3_CROSS builds for it without that
    # interpreter here, as an extension needs no libpython to link). A
    # cdylib has no "executable" in cargo's messages: its path is in
    # "filenames".
    pyver=${GPU_PYTHON:-3.12}
    set -o pipefail
    so="$(PYO3_BUILD_EXTENSION_MODULE=1 PYO3_CROSS=1 PYO3_CROSS_PYTHON_VERSION=$pyver \
        cargo build --release -p lazyxp-python --features cuda --message-format=json 2>/dev/null |
        sed -n 's/.*"filenames":\["\([^"]*lib_lazyxp\.so\)".*/\1/p' | tail -1)"
    [ -n "$so" ] || { echo "gpu_checks: the Python extension did not build" >&2; exit 1; }
    mkdir -p "$dir/bin/python/lazyxp"
    cp python/lazyxp/*.py "$dir/bin/python/lazyxp/"
    cp "$so" "$dir/bin/python/lazyxp/_lazyxp.cpython-${pyver/./}-x86_64-linux-gnu.so"
    cp python/tests/test_devices.py "$dir/bin/python/"
    echo "$pyver" > "$dir/bin/python/version"
    strip "$dir"/bin/runtime "$dir"/bin/ptx_gpu "$dir"/bin/device "$dir"/bin/gpu_stream "$dir"/bin/python/lazyxp/*.so
    (cd "$dir" && tar cf - bin | xz -T2 -6 --lzma2=dict=512MiB > gpu.tar.xz && rm -rf bin)
    ls -la "$dir/gpu.tar.xz"
    exit 0
fi

out=${OUT:-$dir/out}
mkdir -p "$out"
tar xJf "$dir/gpu.tar.xz" -C /tmp
bin=/tmp/bin
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem --format=csv 2>&1 | tee "$out/smi.txt"
summary=()
step() {
    local name=$1
    shift
    local t0=$SECONDS
    "$@" >"$out/$name.log" 2>&1
    local rc=$?
    summary+=("$name: rc=$rc in $((SECONDS - t0)) s; $(grep -E '^test result|GPU runs|skipping|[0-9]+ (passed|failed|errors?)' "$out/$name.log" | sort | uniq -c | tr '\n' ' ')")
}
step runtime "$bin/runtime" cuda:: --test-threads=1 --nocapture
step ptx_gpu "$bin/ptx_gpu" --test-threads=1 --nocapture
step device "$bin/device" --test-threads=1 --nocapture
step stream "$bin/gpu_stream" --json "$out/ours.json" --explain "$out/explain.txt"
pyver=$(cat "$bin/python/version" 2>/dev/null)
if [ "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$pyver" ]; then
    summary+=("python: skipped (the package was built for Python $pyver; GPU_PYTHON=x.y at pack time)")
elif python3 -c 'import pytest, numpy' 2>/dev/null; then
    step python env PYTHONPATH="$bin/python" python3 -m pytest -q -p no:cacheprovider -rfEs "$bin/python/test_devices.py"
else
    summary+=("python: skipped (no pytest or NumPy for python3 on this machine)")
fi
step cupy python3 benches/gpu_cupy.py --lazyxp "$out/ours.json" --md "$out/table.md"
for name in runtime ptx_gpu device python; do [ -f "$out/$name.log" ] && grep -E "FAILED|ERROR|panicked|failures:" "$out/$name.log" | head -20; done
cat "$out/stream.log" "$out/cupy.log" 2>/dev/null | tail -20
printf '%s\n' "${summary[@]}"
