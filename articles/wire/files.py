"""Files and folders to import, each imported whole or not at all, and what happened
to each: imported, skipped (already here) or failed with the reason. A symbolic link is
never followed."""

import errno
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

from articles.platform.text import removed_note
from articles.tagging import get_vocabulary
from articles.wire.itemfiles import WireItemsFile, import_items_file, read_items_file
from articles.wire.items import sniff_format
from articles.wire.jsonl import export_file_lines, import_export_lines
from articles.wire.plaintext import (
    ImportFailed,
    WireFile,
    import_wire_files,
    prepare_wire_files,
    read_wire_file,
)


@dataclass
class FileResult:
    path: Path
    outcome: str  # imported, skipped, failed
    message: str
    imported: int = 0
    skipped: int = 0
    articles: list = field(default_factory=list)
    updated: int = 0  # wire items: later versions applied or proposed to the desk
    withdrawn: int = 0  # wire items: killed by the agency


FOLDER_SUFFIXES = (".txt", ".jsonl", ".json", ".xml")


def wire_files(paths):
    """The files to import: files as given, folders searched for *.txt, *.jsonl, *.json
    and *.xml (the format is read from each file's content).

    Symbolic links are listed, not followed (a folder reached through one is not
    searched), so that import_file names each one.
    """
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            # Hidden files (".DS_Store", "._story.txt" from macOS) are not wire copy.
            found = [
                p for p in path.rglob("*")
                if p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and (p.is_symlink() or p.is_file())
            ]
            yield from sorted(found)
        else:
            yield path


NOT_FOLLOWED = "is a symbolic link; not followed"


def _open_file(path):
    """The file opened for reading in binary; a symbolic link is refused, not followed,
    even one put in the file's place after it was listed."""
    if path.is_symlink():
        raise ImportFailed(NOT_FOLLOWED)
    if not path.is_file():
        raise ImportFailed("no such file")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ImportFailed(NOT_FOLLOWED) from error
        raise
    return os.fdopen(descriptor, "rb")


def _lines_note(removed):
    """Where an export's control characters were removed, for the file's report."""
    if not removed:
        return ""
    numbers = sorted(removed)
    lines = ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")
    return (f"; {removed_note(sum(removed.values()))} on "
            f"line{'s' if len(numbers) != 1 else ''} {lines}")


BATCH_SIZE = 500  # wire files stored in one transaction


def import_file(path, *, publish=False, autotag=True, vocabulary=None, shift=None):
    """Import one file (wire text or JSON Lines export) and say what happened."""
    [result] = import_files([path], publish=publish, autotag=autotag, vocabulary=vocabulary,
                            shift=shift)
    return result


def import_files(paths, *, publish=False, autotag=True, vocabulary=None, shift=None,
                 batch_size=BATCH_SIZE, progress=None, media=None, pictures=None):
    """Import files in order and yield a FileResult for each, as each batch is stored.

    Wire files are read one at a time and stored ``batch_size`` at a time (each still
    whole or not at all); an export is restored on its own, line by line. While a batch
    is stored, the next one is read and tagged in a thread: storing is mostly waiting
    for the database, so the two overlap instead of adding up.
    ``progress(files=, articles=, size=)`` is told what each batch (and each chunk of an
    export) finished: files, articles imported and bytes read. ``media``: the folder of
    an export's image files. ``pictures``: the folder where the pictures delivered
    with agency items are (by default each item's own folder).
    """
    progress = progress or (lambda **done: None)
    if autotag and vocabulary is None:
        vocabulary = get_vocabulary()  # here, not in the thread: it may read the database

    def read_and_prepare(group):
        """Each file of the group read: (path, WireFile, WireItemsFile or the failed
        FileResult, size in bytes, a wire file's prepared article); no database."""
        if isinstance(group, Path):  # an export
            return group
        reads = [_read_wire_file(path, pictures) for path in group]
        wire = [index for index, read in enumerate(reads) if isinstance(read[1], WireFile)]
        prepared = dict(zip(wire, prepare_wire_files(
            [reads[index][1] for index in wire], publish=publish, autotag=autotag,
            vocabulary=vocabulary, shift=shift), strict=True))
        return [(*read, prepared.get(index)) for index, read in enumerate(reads)]

    for group in _one_ahead(_groups(map(Path, paths), batch_size), read_and_prepare):
        if isinstance(group, Path):
            yield _import_export_file(group, progress, media)
            continue
        batch = []
        for read in group:
            if isinstance(read[1], WireItemsFile):
                yield from _import_wire_batch(batch, publish, autotag, vocabulary, shift,
                                              progress)
                batch = []
                result = _import_items_file(read[1], publish=publish, autotag=autotag,
                                            vocabulary=vocabulary)
                progress(files=1, articles=result.imported, size=read[2])
                yield result
                continue
            batch.append(read)
        yield from _import_wire_batch(batch, publish, autotag, vocabulary, shift, progress)


def _groups(paths, size):
    """Paths in groups of up to ``size`` to read together; an export alone, as a Path."""
    group = []
    for path in paths:
        if path.suffix.lower() == ".jsonl":
            if group:
                yield group
                group = []
            yield path
            continue
        group.append(path)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _one_ahead(items, work):
    """``work(item)`` for each item in order, the next item's work running in a thread
    while the caller handles this one's result."""
    def in_thread(item):
        try:
            return work(item)
        finally:  # work asks no database; should it ever, its connection is not left open
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prepare") as pool:
        pending = None
        for item in items:
            future = pool.submit(in_thread, item)
            if pending is not None:
                yield pending.result()
            pending = future
        if pending is not None:
            yield pending.result()


def _read_wire_file(path, pictures=None):
    """(path, the file read and parsed or its failure, its size)."""
    max_bytes = settings.NEWSROOM_IMPORT_MAX_BYTES
    try:
        with _open_file(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise ImportFailed(
                    f"file is {size} bytes, over the limit of {max_bytes} "
                    "(NEWSROOM_IMPORT_MAX_BYTES)"
                )
            raw = handle.read(max_bytes + 1)
            if sniff_format(raw) in ("ninjs", "newsml"):
                return path, read_items_file(raw, path=path, pictures=pictures), size
            return path, read_wire_file(raw, name=path.name), size
    except ImportFailed as error:
        return path, FileResult(path, "failed", str(error)), 0
    except OSError as error:
        return path, FileResult(path, "failed", f"cannot read: {error.strerror}"), 0


def _import_wire_batch(batch, publish, autotag, vocabulary, shift, progress):
    wire = [(item, prepared) for _, item, _, prepared in batch if isinstance(item, WireFile)]
    if not batch:
        return
    try:
        outcomes = iter(import_wire_files(
            [item for item, _ in wire], publish=publish, autotag=autotag,
            vocabulary=vocabulary, shift=shift, prepared=[prepared for _, prepared in wire]))
    except Exception as error:  # noqa: BLE001 - reported for each file of the batch
        outcomes = iter([error] * len(wire))
    results = [item if isinstance(item, FileResult) else _wire_result(path, next(outcomes))
               for path, item, _, _ in batch]
    progress(files=len(batch), articles=sum(r.imported for r in results),
             size=sum(size for _, _, size, _ in batch))
    yield from results


def _wire_result(path, outcome):
    if isinstance(outcome, ImportFailed):
        return FileResult(path, "failed", str(outcome))
    if isinstance(outcome, Exception):
        return FileResult(path, "failed",
                          f"not stored ({type(outcome).__name__}: {outcome})")
    article = outcome.article
    if not outcome.created:
        return FileResult(
            path, "skipped", f"skipped (already imported as #{article.pk})", skipped=1
        )
    state = ", ".join(filter(None, [article.display_status.lower(),
                                    removed_note(outcome.removed)]))
    return FileResult(
        path, "imported", f"imported as #{article.pk} ({state}): {article.headline}",
        imported=1, articles=[article],
    )


def _import_export_file(path, progress, media=None):
    """Restore an export, read line by line; the whole file or nothing."""
    try:
        with _open_file(path) as handle:
            read = 0

            def chunk_done(articles):
                nonlocal read
                position = handle.tell()
                progress(files=0, articles=articles, size=position - read)
                read = position

            lines = export_file_lines(handle, max_bytes=settings.NEWSROOM_IMPORT_MAX_BYTES)
            result = import_export_lines(lines=lines, name=path.name, progress=chunk_done,
                                         media=media)
            progress(files=1, articles=0, size=os.fstat(handle.fileno()).st_size - read)
    except ImportFailed as error:
        return _failed_export(path, str(error), progress)
    except OSError as error:
        return _failed_export(path, f"cannot read: {error.strerror}", progress)
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the rest
        return _failed_export(path, f"not stored ({type(error).__name__}: {error})", progress)
    return FileResult(
        path, "imported",
        f"imported {result.created}, skipped {result.skipped} "
        f"(export{_lines_note(result.removed)}{_images_note(result.images_missing)})",
        imported=result.created, skipped=result.skipped,
    )


def _images_note(missing):
    if not missing:
        return ""
    return (f"; {missing} image{'s' if missing != 1 else ''} left out: no file in storage, "
            "give the export's folder with --media")


def _failed_export(path, message, progress):
    # Its articles were counted as they were read; none of them stayed.
    progress(files=1, articles=0, size=0)
    return FileResult(path, "failed", message)


def _import_items_file(read, *, publish, autotag, vocabulary):
    """Store a ninjs or NewsML-G2 file's items, all or none, and say what happened."""
    try:
        outcome = import_items_file(read, publish=publish, autotag=autotag,
                                    vocabulary=vocabulary)
    except ImportFailed as error:
        return FileResult(read.path, "failed", str(error))
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the rest
        return FileResult(read.path, "failed", f"not stored ({type(error).__name__}: {error})")
    counts = outcome.counts
    return FileResult(read.path, "imported" if counts["imported"] else "skipped",
                      outcome.message, imported=counts["imported"],
                      skipped=counts["skipped"], updated=counts["updated"],
                      withdrawn=counts["withdrawn"], articles=outcome.created)
