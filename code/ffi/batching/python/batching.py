"""Times Python calling the Rust extension ffi_batching, one item per call or
one list per call. Started once as `python3 -c <this> <items>`; each request
line is `<way> <batch> <reps>`, and the reply is `<nanoseconds> <sum mod 2^64>`
for `reps` passes over the items. `version` answers the Python version."""
import platform
import sys
import time

import ffi_batching

ITEMS = int(sys.argv[1])
DATA = list(range(ITEMS))
MASK = (1 << 64) - 1


def per_item(reps):
    mix_one = ffi_batching.mix_one
    total = 0
    start = time.perf_counter_ns()
    for _ in range(reps):
        total = 0
        for x in DATA:
            total += mix_one(x)
    return time.perf_counter_ns() - start, total & MASK


def per_batch(batch, reps):
    # The lists are made before the clock starts: the crossing is timed, not
    # the slicing.
    chunks = [DATA[i:i + batch] for i in range(0, ITEMS, batch)]
    mix_sum = ffi_batching.mix_sum
    total = 0
    start = time.perf_counter_ns()
    for _ in range(reps):
        total = 0
        for chunk in chunks:
            total += mix_sum(chunk)
    return time.perf_counter_ns() - start, total & MASK


for line in sys.stdin:
    words = line.split()
    if words == ["version"]:
        print(platform.python_version(), flush=True)
        continue
    way, batch, reps = words[0], int(words[1]), int(words[2])
    if way == "one":
        nanos, total = per_item(reps)
    else:
        nanos, total = per_batch(batch, reps)
    print(nanos, total, flush=True)
