"""CuPy beside lazyxp on the GPU (issue 6): the cases of
`benches/examples/gpu_stream.rs` at the same n, timed the same way, and
the side-by-side table.

    python benches/gpu_cupy.py --lazyxp ours.json [--n 100000000] [--md table.md]

CuPy runs each case as its users write it (`a * x + y` is two kernels,
`cp.log(cp.sin(x) + 5)` three) and fused with `cupy.fuse` (one kernel, the
fair comparison for a fusing compiler). `device` is CUDA events around
BATCH back-to-back calls over BATCH, median of REPS; `copy` is a
device-to-device memcpy of n float32, the same reference the Rust side
measures.
"""

import argparse
import json
import statistics

import cupy as cp

REPS = 15
BATCH = 10


def device_ms(f):
    f()
    cp.cuda.Device().synchronize()
    samples = []
    for _ in range(REPS):
        start, end = cp.cuda.Event(), cp.cuda.Event()
        start.record()
        for _ in range(BATCH):
            f()
        end.record()
        end.synchronize()
        samples.append(cp.cuda.get_elapsed_time(start, end) / BATCH)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lazyxp", required=True, help="JSON written by gpu_stream --json")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--md", default=None)
    args = ap.parse_args()
    ours = json.load(open(args.lazyxp))
    n = args.n or ours["cases"][0]["n"]

    rng = cp.random.default_rng(1)
    x = rng.uniform(-10, 10, n, dtype=cp.float32)
    y = rng.uniform(-10, 10, n, dtype=cp.float32)
    dst = cp.empty_like(x)
    copy = device_ms(lambda: cp.cuda.runtime.memcpy(dst.data.ptr, x.data.ptr, 4 * n, cp.cuda.runtime.memcpyDeviceToDevice))
    copy_gbps = 8 * n / copy / 1e6

    # cupy.fuse names its kernel after the function: a lambda's name is
    # not a C identifier.
    def saxpy(x, y):
        return x * cp.float32(2.5) + y

    def log_sin(x):
        return cp.log(cp.sin(x) + cp.float32(5))

    def sum_squares(x):
        return cp.sum(x * x)

    side = int(round(n**0.5))
    xm = x.reshape(side, side) if side * side == n else None

    def row_sums(x):
        return cp.sum(x, axis=1)

    def softmax_rows(x):
        e = cp.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    saxpy_fused, log_sin_fused = cp.fuse(saxpy), cp.fuse(log_sin)
    sum_squares_fused, row_sums_fused = cp.fuse(sum_squares), cp.fuse(row_sums)
    cases = {
        "a*x+y": (lambda: x * cp.float32(2.5) + y, lambda: saxpy_fused(x, y)),
        "log(sin(x)+5)": (lambda: cp.log(cp.sin(x) + cp.float32(5)), lambda: log_sin_fused(x)),
        "sum(x*x)": (lambda: cp.sum(x * x), lambda: sum_squares_fused(x)),
        "sum(X, axis=1)": (lambda: cp.sum(xm, axis=1), lambda: row_sums_fused(xm)),
        # cupy.fuse cannot broadcast a reduction back over its rows: the
        # softmax runs as written in both columns (four kernels).
        "softmax(X, axis=1)": (lambda: softmax_rows(xm), lambda: softmax_rows(xm)),
    }
    lines = [
        f"GPU: {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}, n = {n} float32, CuPy {cp.__version__}",
        f"device-to-device copy: lazyxp's run {ours['copy_gbps']:.0f} GB/s, CuPy's run {copy_gbps:.0f} GB/s (bytes read + written)",
        "",
        "| case | lazyxp device ms | GB/s | % of copy | lazyxp eval-until-done ms | CuPy ms (as written) | CuPy ms (cupy.fuse) | CuPy fused / lazyxp | GPU bits == CPU bits |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in ours["cases"]:
        plain, fused = cases[row["case"]]
        t_plain, t_fused = device_ms(plain), device_ms(fused)
        lines.append(
            f"| `{row['case']}` | {row['device_ms']:.3f} | {row['gbps']:.0f} | {100 * row['gbps'] / ours['copy_gbps']:.0f}% "
            f"| {row['eval_ms']:.3f} | {t_plain:.3f} | {t_fused:.3f} | {t_fused / row['device_ms']:.2f} "
            f"| {'all' if row['bits_differ'] == 0 else str(row['bits_differ']) + ' differ'} |"
        )
    text = "\n".join(lines)
    print(text)
    if args.md:
        open(args.md, "w").write(text + "\n")


if __name__ == "__main__":
    main()
