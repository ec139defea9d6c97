"""The book's Celery tasks in Python, under the same names as the Rust ones
(code/queues/celery/src/lib.rs), so either language's worker can run what
either language's client sends.

Run a worker:  celery -A tasks worker --pool=solo --concurrency=1 -Q book-celery
Settings come from the environment, so a test can give each run its own queue:
  AMQP_URL            the broker (default: the local RabbitMQ)
  CELERY_QUEUE        the queue to send to and consume (default: book-celery)
  CELERY_RESULTS_DIR  the folder for results (default: <temp>/book-celery-results)
"""
import os
import tempfile
import time

from celery import Celery

MAX_PRIME_LIMIT = 10_000_000

broker = os.environ.get("AMQP_URL") or "amqp://guest:guest@127.0.0.1:5672/%2f"
queue = os.environ.get("CELERY_QUEUE") or "book-celery"
results = os.environ.get("CELERY_RESULTS_DIR") or os.path.join(
    tempfile.gettempdir(), "book-celery-results"
)
os.makedirs(results, exist_ok=True)

# ANCHOR: app
app = Celery("book", broker=broker, backend=f"file://{results}")
app.conf.update(
    task_default_queue=queue,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # Acknowledge a message after its task has run, not before: a worker that
    # dies mid-task leaves the message to be delivered again (at least once).
    task_acks_late=True,
    # ...also when the pool process running it is killed, which late acks
    # alone would still acknowledge (and so lose).
    task_reject_on_worker_lost=True,
    # Reserve one message per pool process: with late acks, the worker holds
    # no more messages than it runs tasks. The prefetch is this times
    # --concurrency, which defaults to the CPU count even with --pool=solo:
    # run a solo worker with --concurrency=1.
    worker_prefetch_multiplier=1,
    # No remote-control queue per worker: the tests delete every queue they make.
    worker_enable_remote_control=False,
    broker_connection_retry_on_startup=False,
)
# ANCHOR_END: app


def primes_below(limit):
    def is_prime(n):
        if n < 2:
            return False
        if n % 2 == 0:
            return n == 2
        d = 3
        while d * d <= n:
            if n % d == 0:
                return False
            d += 2
        return True

    return sum(1 for n in range(limit) if is_prime(n))


# ANCHOR: tasks
@app.task(name="add")
def add(x, y):
    return x + y


@app.task(name="word_count")
def word_count(text):
    return len(text.split())


@app.task(name="count_primes")
def count_primes(limit):
    if limit > MAX_PRIME_LIMIT:
        raise ValueError(f"limit {limit} is above {MAX_PRIME_LIMIT}")
    return primes_below(limit)


@app.task(name="nap")
def nap(ms):
    time.sleep(min(ms, 10_000) / 1000)
    return ms
# ANCHOR_END: tasks
