"""A watched folder: agency files dropped into it are imported as they arrive.

Each file is claimed by an atomic rename into ``processing/`` (two watchers never take
the same file), imported whole or not at all, then moved to ``done/``, or to
``failed/`` with a ``.error`` file beside it saying why. A file left in ``processing/``
by a watcher that stopped mid-way is imported again at the next start: an import is
idempotent (the same text, or the same item version, is skipped), so nothing is
imported twice. Pictures delivered with an item stay in the folder, where the item
names them.
"""

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from articles.wire.files import FOLDER_SUFFIXES, FileResult, import_files

PROCESSING, DONE, FAILED = "processing", "done", "failed"
SETTLE_SECONDS = 1.0  # a file written this recently may still be arriving


@dataclass
class WatchedFolder:
    root: Path

    def __post_init__(self):
        self.root = Path(self.root)
        for name in (PROCESSING, DONE, FAILED):
            (self.root / name).mkdir(exist_ok=True)

    def arrived(self, *, now=None):
        """Files waiting in the folder, oldest first; hidden, partial and linked ones
        left alone."""
        now = now or time.time()
        found = []
        for entry in os.scandir(self.root):
            if (entry.name.startswith(".") or not entry.is_file(follow_symlinks=False)
                    or Path(entry.name).suffix.lower() not in FOLDER_SUFFIXES):
                continue
            modified = entry.stat(follow_symlinks=False).st_mtime
            if now - modified >= SETTLE_SECONDS:
                found.append((modified, entry.name))
        return [self.root / name for _, name in sorted(found)]

    def left_in_processing(self):
        """Files a stopped watcher had claimed and not finished."""
        return sorted(p for p in (self.root / PROCESSING).iterdir()
                      if p.is_file() and not p.is_symlink())

    def claim(self, path):
        """Move the file into processing/, atomically; None if another took it."""
        claimed = self.root / PROCESSING / path.name
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            return None
        return claimed

    def finish(self, claimed, result):
        """done/ or failed/ (with the reason in NAME.error); where it went."""
        target = self._free(self.root / (FAILED if result.outcome == "failed" else DONE),
                            claimed.name)
        os.rename(claimed, target)
        if result.outcome == "failed":
            target.with_name(target.name + ".error").write_text(result.message + "\n",
                                                                encoding="utf-8")
        return target

    @staticmethod
    def _free(folder, name):
        """A name in folder that no earlier file has: story.json, story-2.json, …"""
        target, n = folder / name, 1
        while target.exists():
            n += 1
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        return target


def watch(root, *, report, stop=None, once=False, interval=2.0, **import_options):
    """Import what arrives in ``root`` until ``stop`` (a threading.Event) is set, or
    after one pass with ``once``; ``report(result, moved_to)`` hears of each file."""
    stop = stop or threading.Event()
    folder = WatchedFolder(root)
    for claimed in folder.left_in_processing():
        _import_one(folder, claimed, report, import_options)
    while not stop.is_set():
        for path in folder.arrived():
            if stop.is_set():
                break
            claimed = folder.claim(path)
            if claimed is not None:
                _import_one(folder, claimed, report, import_options)
        if once:
            break
        stop.wait(interval)


def _import_one(folder, claimed, report, import_options):
    try:
        [result] = import_files([claimed], pictures=folder.root, **import_options)
    except Exception as error:  # noqa: BLE001 - one file must not stop the watch
        result = FileResult(claimed, "failed", f"not stored ({type(error).__name__}: {error})")
    report(result, folder.finish(claimed, result))
