"""Loaded first (pytest.ini's ``-p tests.isolation``), before Django reads its settings:
where a test run keeps its cache.

- Without Redis the cache is files (the product's default). Unless CACHE_DIR names a
  folder, the tests keep theirs in memory-backed /dev/shm where there is one: on ext4
  every cache write that replaces a file waits for the disk (26 API tests took 102 s
  with the folder on disk, 41 s on tmpfs).
- Under pytest-xdist each worker process gets a cache of its own, so one worker's
  ``cache.clear()`` never empties another's: a folder of its own, or a Redis database
  of its own (clearing a django-redis cache flushes its database). The test databases
  are already apart (pytest-django names them per worker).
"""

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _cache_folder():
    if os.environ.get("CACHE_DIR"):
        return os.environ["CACHE_DIR"]
    checkout = os.getcwd()
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        # One folder per checkout, so two clones' test runs keep apart.
        return str(shm / f"newsroom-tests-{hashlib.sha256(checkout.encode()).hexdigest()[:12]}")
    return os.path.join(checkout, ".cache")


worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... under xdist
folder = _cache_folder()
if worker:
    folder = f"{folder}-{worker}"
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        # The database configured for the run, then the ones below it.
        parts = urlsplit(redis_url)
        database = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
        if database < 0:
            raise RuntimeError(f"REDIS_URL {redis_url}: no Redis database left for {worker}")
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
os.environ["CACHE_DIR"] = folder
