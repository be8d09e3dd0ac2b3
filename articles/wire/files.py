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
from articles.wire.plaintext import ImportFailed, import_wire_text


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


def import_file(path, *, publish=False, autotag=True, vocabulary=None, shift=None):
    """Import one file (wire text or JSON Lines export) and say what happened."""
    path = Path(path)
    max_bytes = settings.NEWSROOM_IMPORT_MAX_BYTES
    try:
        with _open_file(path) as handle:
            if path.suffix.lower() == ".jsonl":
                lines = export_file_lines(handle, max_bytes=max_bytes)
                result = import_export_lines(lines=lines, name=path.name)
                imported = len(result.created)
                return FileResult(
                    path, "imported",
                    f"imported {imported}, skipped {result.skipped} "
                    f"(export{_lines_note(result.removed)})",
                    imported=imported, skipped=result.skipped, articles=result.created,
                )
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise ImportFailed(
                    f"file is {size} bytes, over the limit of {max_bytes} "
                    "(NEWSROOM_IMPORT_MAX_BYTES)"
                )
            wire = import_wire_text(
                raw=handle.read(max_bytes + 1), name=path.name, publish=publish,
                autotag=autotag, vocabulary=vocabulary, shift=shift,
            )
    except ImportFailed as error:
        return FileResult(path, "failed", str(error))
    except OSError as error:
        return FileResult(path, "failed", f"cannot read: {error.strerror}")
    except Exception as error:  # noqa: BLE001 - one broken file must not stop the rest
        return FileResult(path, "failed", f"not stored ({type(error).__name__}: {error})")
    article = wire.article
    if not wire.created:
        return FileResult(
            path, "skipped", f"skipped (already imported as #{article.pk})", skipped=1
        )
    state = ", ".join(filter(None, [article.display_status.lower(), removed_note(wire.removed)]))
    return FileResult(
        path, "imported", f"imported as #{article.pk} ({state}): {article.headline}",
        imported=1, articles=[article],
    )
