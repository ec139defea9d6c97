"""A Python Celery client on Redis. It sends by name only, so the worker may
be Python or Rust.

  python client.py add 2 3                  one task; prints its result
  python client.py --no-wait hold t 5       send and exit
  python client.py --batch '[["add", [2, 3]], ["fail", ["no"]]]'
  python client.py --poll add 2 3           wait by reading the state, not by get()

Settings as in tasks.py. Prints one JSON line per task.
"""
import argparse
import json
import sys
import time

from tasks import app, queue


def as_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def outcome(result, timeout, poll):
    # ANCHOR: get
    try:
        if poll:
            # Read the stored state again and again: works with a backend
            # that only SETs the result and never PUBLISHes it.
            deadline = time.monotonic() + timeout
            while not result.ready() and time.monotonic() < deadline:
                time.sleep(0.05)
        value = result.get(timeout=timeout, propagate=False)
    except Exception as error:  # a timeout, or a result Python cannot read
        return "ERROR", {"exc_type": type(error).__name__, "exc_message": str(error)}
    # ANCHOR_END: get
    if isinstance(value, BaseException):
        value = {"exc_type": type(value).__name__, "exc_message": str(value)}
    return result.state, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-wait", action="store_true", help="send and exit")
    parser.add_argument("--poll", action="store_true", help="wait by polling the state")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait per result")
    parser.add_argument("--batch", help="a JSON list of [task name, [args]] pairs")
    parser.add_argument("task", nargs="?", help="the task's name")
    parser.add_argument("args", nargs="*", help="its positional arguments")
    options = parser.parse_args()

    if options.batch:
        calls = [(name, list(args)) for name, args in json.loads(options.batch)]
    elif options.task:
        calls = [(options.task, [as_json(a) for a in options.args])]
    else:
        parser.error("name a task, or give --batch")

    sent = [(name, args, app.send_task(name, args=args, queue=queue)) for name, args in calls]
    for name, args, result in sent:
        line = {"task": name, "args": args, "id": result.id}
        if not options.no_wait:
            line["state"], line["result"] = outcome(result, options.timeout, options.poll)
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
