"""Python Celery with Redis as broker and result backend.

Run a worker:  celery -A tasks worker --pool=solo --concurrency=1 -Q <queue>
Settings come from the environment, so each test run has keys of its own:
  REDIS_URL            broker and results (default: redis://127.0.0.1:6379/0)
  CELERY_QUEUE         the queue to send to and consume (default: book-celery-redis)
  CELERY_KEY_PREFIX    prefix of every key the broker and the results use (default: none)
  VISIBILITY_TIMEOUT   seconds a taken, unacknowledged task stays hidden (kombu's default: 3600)
  RESTORE_INTERVAL     seconds between a worker's sweeps for overdue tasks (kombu: 10 s x 10)
"""
import os
import time

import redis
from celery import Celery

url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
queue = os.environ.get("CELERY_QUEUE") or "book-celery-redis"
prefix = os.environ.get("CELERY_KEY_PREFIX") or ""

# ANCHOR: app
transport = {"global_keyprefix": prefix}
if os.environ.get("VISIBILITY_TIMEOUT"):
    # How long a message a worker took may go unacknowledged before any
    # worker's sweep puts it back in the queue for another worker.
    transport["visibility_timeout"] = float(os.environ["VISIBILITY_TIMEOUT"])
if os.environ.get("RESTORE_INTERVAL"):
    # The sweep: every `interval` seconds, scanning on every call
    # (kombu's defaults scan on every 10th call of a 10-second timer).
    transport["unacked_restore_interval"] = float(os.environ["RESTORE_INTERVAL"])
    transport["unacked_restore_throttle"] = 1

app = Celery("book", broker=url, backend=url)
app.conf.update(
    task_default_queue=queue,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # Acknowledge after the task ran. Redis has no acknowledgements of its
    # own: kombu keeps each taken message in a hash until the ack.
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    broker_transport_options=transport,
    result_backend_transport_options={"global_keyprefix": prefix},
    worker_enable_remote_control=False,
    broker_connection_retry_on_startup=False,
)
# ANCHOR_END: app

store = redis.Redis.from_url(url)


def key(*parts):
    return prefix + "book:" + ":".join(str(p) for p in parts)


# ANCHOR: tasks
@app.task(name="add")
def add(x, y):
    return x + y


@app.task(name="fail")
def fail(message):
    raise ValueError(message)


@app.task(name="hold")
def hold(tag, cap_s):
    """Counts its run, then holds until a second run of the same task has
    started (or cap_s passed), and counts its finish. A first run holds; a
    copy delivered again runs straight through."""
    runs = store.incr(key("runs", tag))
    store.rpush(key("starts", tag), time.time())
    deadline = time.monotonic() + cap_s
    while int(store.get(key("runs", tag)) or 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    store.incr(key("done", tag))
    return runs
# ANCHOR_END: tasks
