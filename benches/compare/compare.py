"""Side-by-side speed of lazyxp and its peers (issue 3), in one run.

Runs, back to back on this machine: lazyxp's cases (`cargo bench
--bench compare`, ours.rs), the C reference kernel (c_ref.c, GCC vector
extensions, built here), and ../shared/bench/peers.py for numpy, numexpr,
jax, numba and tinygrad; then prints, per case, every median, the ratio
fastest-peer / lazyxp (above 1 means lazyxp is faster), numpy / lazyxp,
c_ref / lazyxp, and for a*x + y the bandwidth as a fraction of the
machine's copy bandwidth.

    .venv-peers/bin/python benches/compare/compare.py [--peers PATH]
        [--backends numpy,numexpr,jax,numba,tinygrad] [--sizes 1000,10000000]
        [--cases log_sin,saxpy,where_sqrt_cos,chain_tanh] [--skip-peers JSON]

Run it from the repository root with the peers' venv (see
../shared/bench/README.md; `.venv-peers` at the root is gitignored).
Nothing else heavy should run at the same time.
"""
import argparse, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = {("log_sin", "float32"): 3.0, ("log_sin", "float64"): 1.5,
           ("chain_tanh", "float32"): 1.5, ("where_sqrt_cos", "float64"): 1.5}


def json_lines(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def run_ours(sizes):
    cmd = ["cargo", "bench", "-q", "-p", "lazyxp-benches", "--bench", "compare", "--"] + [str(s) for s in sizes]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    rows = json_lines(p.stdout)
    copy = next(r["copy_gbps"] for r in rows if "copy_gbps" in r)
    return [r for r in rows if "case" in r], copy


def run_c_ref(sizes):
    exe = os.path.join(tempfile.gettempdir(), "lazyxp_c_ref")
    subprocess.run(["gcc", "-O3", "-mavx2", "-mfma", "-fopenmp", "-ffp-contract=off",
                    os.path.join(HERE, "c_ref.c"), "-o", exe, "-lm"], check=True)
    p = subprocess.run([exe] + [str(s) for s in sizes], capture_output=True, text=True, check=True)
    return json_lines(p.stdout)


def run_peers(peers, backends, cases):
    out = os.path.join(tempfile.gettempdir(), "lazyxp_peers.json")
    md = os.path.join(tempfile.gettempdir(), "lazyxp_peers.md")
    subprocess.run([sys.executable, peers, "--backends", backends, "--cases", cases, "--modes", "default",
                    "--no-memlimits", "--out", out, "--md", md], check=True)
    with open(out) as f:
        return json.load(f)["rows"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "bench", "peers.py"))
    ap.add_argument("--backends", default="numpy,numexpr,jax,numba,tinygrad")
    ap.add_argument("--cases", default="log_sin,saxpy,where_sqrt_cos,chain_tanh")
    ap.add_argument("--sizes", default="1000,100000,10000000")
    ap.add_argument("--skip-peers", default=None, help="reuse a peers.py JSON instead of running it")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ours, copy_gbps = run_ours(sizes)
    cref = run_c_ref(sizes)
    if args.skip_peers:
        with open(args.skip_peers) as f:
            peers = json.load(f)["rows"]
    else:
        peers = run_peers(args.peers, args.backends, args.cases)
    cases = args.cases.split(",")
    by = {}
    for r in ours + cref + peers:
        if r.get("mode", "default") != "default" or not r.get("median_s") or not r.get("ok", False):
            continue
        by.setdefault((r["case"], r["dtype"], str(r["size"])), {})[r["backend"]] = r["median_s"]
    print(f"copy bandwidth (2 threads, 10M f64, read + write): {copy_gbps:.2f} GB/s\n")
    print("| case | dtype | n | lazyxp | fastest peer | peer / lazyxp | target | numpy / lazyxp | c_ref / lazyxp | all medians (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (case, dt, n), m in sorted(by.items(), key=lambda kv: (cases.index(kv[0][0]) if kv[0][0] in cases else 99, kv[0][1], int(kv[0][2]))):
        if case not in cases or "lazyxp" not in m:
            continue
        ours_t = m["lazyxp"]
        peer = [(t, b) for b, t in m.items() if b not in ("lazyxp", "c_ref")]
        best = min(peer) if peer else (float("nan"), "-")
        target = TARGETS.get((case, dt))
        if case == "saxpy":
            gbps = 3 * int(n) * (4 if dt == "float32" else 8) / ours_t / 1e9
            target_s = f"{gbps / copy_gbps:.0%} of copy BW (85%)" if int(n) >= 1_000_000 else "≥ numpy"
        else:
            target_s = (f"{target}x" if int(n) >= 1_000_000 else "≥ numpy") if target else ""
        np_ratio = m["numpy"] / ours_t if "numpy" in m else float("nan")
        c_ratio = f"{m['c_ref'] / ours_t:.2f}" if "c_ref" in m else ""
        allm = ", ".join(f"{b} {t * 1e3:.3g}" for b, t in sorted(m.items(), key=lambda kv: kv[1]))
        print(f"| {case} | {dt} | {n} | {ours_t * 1e3:.3g} ms | {best[1]} {best[0] * 1e3:.3g} ms | "
              f"{best[0] / ours_t:.2f}x | {target_s} | {np_ratio:.2f}x | {c_ratio} | {allm} |")


if __name__ == "__main__":
    main()
