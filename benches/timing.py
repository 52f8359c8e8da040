"""The timing the Python benchmark scripts share: best of `repeat` runs
after one warm-up (the first call compiles), in milliseconds."""
import time


def best_ms(f, repeat=7):
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3
