"""The door knock in CPython's asyncio: one coroutine per door, all waiting
at once on one event loop.

Run alone, it knocks once and prints what it measured:
    python3 knock.py 10000 10        (doors, wait in milliseconds)
Run with --serve, it reads "DOORS WAIT_MS" lines on stdin and answers each
with "NANOSECONDS DOOR DOOR ...": its own time, then every knock's answer.
gather returns the answers in the order of its arguments, not the order the
knocks finished. The clock starts before the first coroutine is created and
stops after the last answer is in, so starting Python is never counted.
"""
import asyncio
import sys
import time


# ANCHOR: knock
async def knock(door, wait_s):
    await asyncio.sleep(wait_s)  # hands the thread back to the event loop
    return door


async def knock_all(doors, wait_s):
    start = time.perf_counter_ns()
    answered = await asyncio.gather(*(knock(d, wait_s) for d in range(doors)))
    return time.perf_counter_ns() - start, answered
# ANCHOR_END: knock


def serve():
    loop = asyncio.new_event_loop()  # one loop for every request
    for line in sys.stdin:
        doors, wait_ms = (int(word) for word in line.split())
        nanos, answered = loop.run_until_complete(knock_all(doors, wait_ms / 1000))
        print(nanos, *answered, flush=True)
    loop.close()


# ANCHOR: main
def main():
    doors, wait_ms = int(sys.argv[1]), int(sys.argv[2])
    nanos, answered = asyncio.run(knock_all(doors, wait_ms / 1000))
    assert sorted(answered) == list(range(doors))
    print(f"{doors} doors, {wait_ms} ms each: {nanos / 1e6:.1f} ms")
# ANCHOR_END: main


if __name__ == "__main__":
    serve() if sys.argv[1:] == ["--serve"] else main()
