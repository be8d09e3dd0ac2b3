"""Files and folders to import, each imported whole or not at all, and what happened
to each: imported, skipped (already here) or failed with the reason. A symbolic link is
never followed."""

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from articles.platform.text import removed_note
from articles.wire.jsonl import export_file_lines, import_export_lines
from articles.wire.plaintext import (
    ImportFailed,
    WireFile,
    import_wire_files,
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


def wire_files(paths):
    """The files to import: files as given, folders searched for *.txt and *.jsonl.

    Symbolic links are listed, not followed (a folder reached through one is not
    searched), so that import_file names each one.
    """
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            # Hidden files (".DS_Store", "._story.txt" from macOS) are not wire copy.
            found = [
                p for p in path.rglob("*")
                if p.suffix.lower() in (".txt", ".jsonl")
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
                 batch_size=BATCH_SIZE, progress=None, media=None):
    """Import files in order and yield a FileResult for each, as each batch is stored.

    Wire files are read one at a time and stored ``batch_size`` at a time (each still
    whole or not at all); an export is restored on its own, line by line.
    ``progress(files=, articles=, size=)`` is told what each batch (and each chunk of an
    export) finished: files, articles imported and bytes read. ``media``: the folder of
    an export's image files.
    """
    progress = progress or (lambda **done: None)
    batch = []  # (path, WireFile or the failed FileResult, size in bytes)
    for path in map(Path, paths):
        if path.suffix.lower() == ".jsonl":
            yield from _import_wire_batch(batch, publish, autotag, vocabulary, shift, progress)
            batch = []
            yield _import_export_file(path, progress, media)
            continue
        batch.append(_read_wire_file(path))
        if len(batch) >= batch_size:
            yield from _import_wire_batch(batch, publish, autotag, vocabulary, shift, progress)
            batch = []
    yield from _import_wire_batch(batch, publish, autotag, vocabulary, shift, progress)


def _read_wire_file(path):
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
            return path, read_wire_file(handle.read(max_bytes + 1), name=path.name), size
    except ImportFailed as error:
        return path, FileResult(path, "failed", str(error)), 0
    except OSError as error:
        return path, FileResult(path, "failed", f"cannot read: {error.strerror}"), 0


def _import_wire_batch(batch, publish, autotag, vocabulary, shift, progress):
    files = [item for _, item, _ in batch if isinstance(item, WireFile)]
    if not batch:
        return
    try:
        outcomes = iter(import_wire_files(files, publish=publish, autotag=autotag,
                                          vocabulary=vocabulary, shift=shift))
    except Exception as error:  # noqa: BLE001 - reported for each file of the batch
        outcomes = iter([error] * len(files))
    results = [item if isinstance(item, FileResult) else _wire_result(path, next(outcomes))
               for path, item, _ in batch]
    progress(files=len(batch), articles=sum(r.imported for r in results),
             size=sum(size for _, _, size in batch))
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
