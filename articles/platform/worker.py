"""The background worker (django-q2's cluster, ``python manage.py qcluster``): how the
site knows it runs.

Each worker process, when it starts, makes sure a one-minute heartbeat is scheduled,
and each beat stores its time in the shared cache; ``/readyz`` reports how long ago the
last one was. Queued work (edge purges, purges at publication time) waits in the queue
while no worker runs: readers are not affected, edge caches expire their copies by
themselves meanwhile.
"""

import time

from django.core.cache import cache

HEARTBEAT_KEY = "worker:heartbeat"
HEARTBEAT_SCHEDULE = "Worker heartbeat"
# A worker not heard from for this long is reported as not running.
SILENT_AFTER_SECONDS = 180


def heartbeat():
    """The scheduled task: the worker is alive now."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def schedule_heartbeat(**kwargs):
    """When a worker process starts (django-q2's post_spawn): beat now, and every minute."""
    from django_q.models import Schedule

    Schedule.objects.get_or_create(
        name=HEARTBEAT_SCHEDULE,
        defaults={"func": "articles.platform.worker.heartbeat",
                  "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
    heartbeat()


def status():
    """"running", "not running" (silent for a while) or "never seen", for /readyz."""
    last = cache.get(HEARTBEAT_KEY)
    if last is None:
        return "never seen"
    return "running" if time.time() - last < SILENT_AFTER_SECONDS else "not running"
