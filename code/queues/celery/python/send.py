"""A Python Celery client for the book's tasks. It sends by name only: it
never imports the task functions, so the worker may be Python or Rust.

  python send.py add 2 3                   one task; prints its result
  python send.py --no-wait add 2 3         send and exit
  python send.py --batch '[["add", [2, 3]], ["word_count", ["a b"]]]'

Each argument is read as JSON when it parses (2, "two", [1]), else as text.
Prints one JSON line per task: its name, args, id, state and result.
Settings as in tasks.py (AMQP_URL, CELERY_QUEUE, CELERY_RESULTS_DIR).
"""
import argparse
import json
import sys

from tasks import app, queue


def as_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-wait", action="store_true", help="send and exit")
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

    # ANCHOR: send
    sent = [(name, args, app.send_task(name, args=args, queue=queue)) for name, args in calls]
    for name, args, result in sent:
        line = {"task": name, "args": args, "id": result.id}
        if not options.no_wait:
            value = result.get(timeout=options.timeout, propagate=False)
            line["state"] = result.state
            if isinstance(value, BaseException):
                value = {"exc_type": type(value).__name__, "exc_message": str(value)}
            line["result"] = value
        print(json.dumps(line), flush=True)
    # ANCHOR_END: send
    return 0


if __name__ == "__main__":
    sys.exit(main())
