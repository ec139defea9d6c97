"""Counting primes below n by trial division, from Python threads and
processes, in pure Python and through the Rust extension ffi_python_gil.

Run alone, it runs every way once and prints the times:
    python3 gil.py 30000          (count the primes below 30000)
Run with --serve, it reads "WAY TASKS BELOW" lines on stdin and answers each
with "NANOSECONDS COUNT COUNT ...": its own time for TASKS tasks run at once
(one thread or one process each), then each task's count. A "version" line
gets the Python version. The pools start once, before the first timing, so
starting threads and processes is never counted.
"""
import multiprocessing
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import ffi_python_gil


# ANCHOR: python
def count_primes(below):
    count = 0
    for n in range(2, below):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:  # the loop ran out: no divisor found
            count += 1
    return count
# ANCHOR_END: python


IN_THREADS = {
    "python-threads": count_primes,
    "rust-held": ffi_python_gil.count_primes_held,
    "rust-released": ffi_python_gil.count_primes_released,
}


def nothing():
    return None


class Pools:
    """One thread pool and one process pool per size, started on first use."""

    def __init__(self):
        self.pools = {}

    def get(self, kind, size):
        if (kind, size) not in self.pools:
            if kind == "threads":
                pool = ThreadPoolExecutor(size)
            else:
                # fork: count_primes lives in a `python3 -c` script, which a
                # worker started by spawn or forkserver (3.14's default on
                # Linux) cannot import.
                pool = ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("fork"))
            for f in [pool.submit(time.sleep, 0.05) for _ in range(size)]:
                f.result()  # every worker started before any timing
            self.pools[(kind, size)] = pool
        return self.pools[(kind, size)]

    def close(self):
        for pool in self.pools.values():
            pool.shutdown()


# ANCHOR: run
def run(pools, way, tasks, below):
    if way == "python-processes":
        pool, work = pools.get("processes", tasks), count_primes
    else:
        pool, work = pools.get("threads", tasks), IN_THREADS[way]
    start = time.perf_counter_ns()
    futures = [pool.submit(work, below) for _ in range(tasks)]
    counts = [f.result() for f in futures]
    return time.perf_counter_ns() - start, counts
# ANCHOR_END: run


def serve():
    pools = Pools()
    for line in sys.stdin:
        if line.strip() == "version":
            print(platform.python_version(), flush=True)
            continue
        way, tasks, below = line.split()
        nanos, counts = run(pools, way, int(tasks), int(below))
        print(nanos, *counts, flush=True)
    pools.close()


def main():
    below = int(sys.argv[1])
    pools = Pools()
    for way in ["python-threads", "python-processes", "rust-held", "rust-released"]:
        for tasks in [1, 2]:
            nanos, counts = run(pools, way, tasks, below)
            print(f"{way:>16} x{tasks}: {nanos / 1e6:9.2f} ms  {counts}")
    pools.close()


if __name__ == "__main__":
    serve() if sys.argv[1:] == ["--serve"] else main()
