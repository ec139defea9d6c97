"""Fully loaded from Python: one SHA-256 chain per task, six ways.

Run alone, it runs each way once:
    python3 fully.py 2 200000          (tasks, rounds per task)
Run with --serve WORKERS, it reads "WAY TASKS ROUNDS" lines on stdin and
answers each with "NANOSECONDS DIGEST DIGEST ...": its own time, then every
task's digest in hex, in seed order. A "version" line gets the Python
version. The thread and process pools (WORKERS each) start before the first
request, so starting them is never timed.
"""
import hashlib
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import get_context

import ffi_fully_loaded


# ANCHOR: chain
def chain(seed, rounds):
    digest = hashlib.sha256(seed.to_bytes(8, "little")).digest()
    for _ in range(1, rounds):
        digest = hashlib.sha256(digest).digest()  # C code; the GIL stays held
    return digest.hex()
# ANCHOR_END: chain


def chain_args(args):
    return chain(*args)


# ANCHOR: ways
def run(way, tasks, rounds, threads, processes):
    seeds = range(tasks)
    start = time.perf_counter_ns()
    if way == "python-sequential":
        digests = [chain(s, rounds) for s in seeds]
    elif way == "python-threads":
        digests = list(threads.map(chain, seeds, [rounds] * tasks))
    elif way == "python-processes":
        digests = processes.map(chain_args, [(s, rounds) for s in seeds], chunksize=1)
    elif way == "rust-sequential":
        digests = [ffi_fully_loaded.chain_hex(s, rounds) for s in seeds]
    elif way == "rust-threads":
        digests = list(threads.map(ffi_fully_loaded.chain_hex, seeds, [rounds] * tasks))
    elif way == "rust-rayon":
        digests = ffi_fully_loaded.chains_hex_rayon(list(seeds), rounds)
    else:
        raise ValueError(f"no way called {way!r}")
    return time.perf_counter_ns() - start, digests
# ANCHOR_END: ways


def pools(workers):
    threads = ThreadPoolExecutor(workers)
    # fork: chain_args lives in a `python3 -c` script, which a worker started
    # by spawn or forkserver (3.14's default on Linux) cannot import.
    processes = get_context("fork").Pool(workers)
    processes.map(time.sleep, [0.05] * workers, chunksize=1)  # all started
    list(threads.map(time.sleep, [0.05] * workers))
    return threads, processes


def serve(workers):
    threads, processes = pools(workers)
    for line in sys.stdin:
        if line.strip() == "version":
            print(platform.python_version(), flush=True)
            continue
        way, tasks, rounds = line.split()
        nanos, digests = run(way, int(tasks), int(rounds), threads, processes)
        print(nanos, *digests, flush=True)
    processes.close()
    threads.shutdown()


def main():
    tasks, rounds = int(sys.argv[1]), int(sys.argv[2])
    threads, processes = pools(os.cpu_count() or 1)
    for way in ["python-sequential", "python-threads", "python-processes",
                "rust-sequential", "rust-threads", "rust-rayon"]:
        nanos, digests = run(way, tasks, rounds, threads, processes)
        print(f"{way:>18}: {nanos / 1e6:9.1f} ms  {digests[0][:16]}...")
    processes.close()
    threads.shutdown()


if __name__ == "__main__":
    serve(int(sys.argv[2])) if sys.argv[1] == "--serve" else main()
