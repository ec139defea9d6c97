"""The GIL and a Rust lock, taken in opposite orders by two threads.

    python3 deadlock.py holding-gil    hangs for ever (run it with a timeout)
    python3 deadlock.py detached       finishes

A helper thread calls slow_update, which takes the extension's Rust lock and
then lets go of the GIL while it works. The main thread waits until the lock
is taken, then asks for a quick update of the same total.
"""
import sys
import threading
import time

import ffi_python_gil as ext

# ANCHOR: deadlock
quick = {
    "holding-gil": ext.quick_update_holding_gil,  # waits for the lock with the GIL
    "detached": ext.quick_update_detached,  # lets go of the GIL, then waits
}[sys.argv[1]]

helper = threading.Thread(target=ext.slow_update)
helper.start()
while not ext.lock_taken():  # the helper holds the Rust lock...
    time.sleep(0.001)
print("the helper holds the Rust lock and has let go of the GIL", flush=True)
total = quick()  # ...and this thread holds the GIL
helper.join()
print(f"both updates done: total {total}", flush=True)
# ANCHOR_END: deadlock
