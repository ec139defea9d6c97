# CPython threads on CPU-bound work, on waits, and on a shared `+=`.
# One request per line on stdin, one answer per line on stdout:
#   cpu THREADS STEPS       -> "NANOSECONDS RESULT"  (STEPS shared among the threads)
#   io THREADS WAITS MS     -> "NANOSECONDS WAITS"   (WAITS sleeps of MS shared among them)
#   add THREADS TIMES MODE  -> "NANOSECONDS COUNTER" (each thread adds TIMES; MODE plain or call)
#   switch                  -> "SECONDS"             (sys.getswitchinterval())
# Each run is timed here with perf_counter_ns, threads started to threads joined.
import sys
import threading
import time

# ANCHOR: cpu
def spin(steps, out, index):
    x = index
    for _ in range(steps):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    out[index] = x
# ANCHOR_END: cpu

def wait(waits, ms, out, index):
    for _ in range(waits):
        time.sleep(ms / 1000)
    out[index] = waits

# ANCHOR: add
counter = 0

def one():
    return 1

def add_plain(times, out, index):
    global counter
    for _ in range(times):
        counter += 1

def add_call(times, out, index):
    global counter
    for _ in range(times):
        counter += one()
# ANCHOR_END: add

def run(threads, target, *args):
    out = [0] * threads
    workers = [threading.Thread(target=target, args=args + (out, i)) for i in range(threads)]
    start = time.perf_counter_ns()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter_ns() - start, out

for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "cpu":
        threads, steps = int(words[1]), int(words[2])
        ns, out = run(threads, spin, steps // threads)
        print(ns, sum(out) & 0xFFFFFFFF, flush=True)
    elif words[0] == "io":
        threads, waits, ms = int(words[1]), int(words[2]), int(words[3])
        ns, out = run(threads, wait, waits // threads, ms)
        print(ns, sum(out), flush=True)
    elif words[0] == "add":
        threads, times = int(words[1]), int(words[2])
        counter = 0
        ns, _ = run(threads, add_call if words[3] == "call" else add_plain, times)
        print(ns, counter, flush=True)
    elif words[0] == "switch":
        print(sys.getswitchinterval(), flush=True)
    else:
        print("error unknown request", flush=True)
