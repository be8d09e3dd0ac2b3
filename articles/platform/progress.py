"""A progress line for long commands: one line on a terminal, rewritten as work is done."""

import time

PROGRESS_EVERY = 0.5  # seconds between two progress lines on a terminal
CLEAR_TO_END = "\033[K"  # the terminal's "erase to the end of the line"


def time_left(elapsed, done, total):
    """"m:ss" left at the rate so far, or "?" before anything is done."""
    if not done:
        return "?"
    seconds = round(elapsed * max(total - done, 0) / done)
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressLine:
    """Writes ``line()`` over itself at most every PROGRESS_EVERY seconds.

    ``stream`` is a management command's OutputWrapper (its stdout or stderr).
    Subclasses count what they do and say it in ``line()``.
    """

    def __init__(self, stream):
        self.stream = stream
        self.started = self.shown = time.monotonic()

    @property
    def elapsed(self):
        return max(time.monotonic() - self.started, 1e-6)

    def line(self):
        raise NotImplementedError

    def tick(self):
        """Show the line if it has not been shown for a while."""
        if time.monotonic() - self.shown >= PROGRESS_EVERY:
            self.show()

    def show(self):
        self.shown = time.monotonic()
        self._write("\r" + self.line() + CLEAR_TO_END)

    def clear(self):
        """Rub the line out, for another line to be written in its place."""
        self._write("\r" + CLEAR_TO_END)

    def end(self):
        self.show()
        self._write("\n")

    def _write(self, text):
        # Plain: standard error's error colour is for errors.
        self.stream.write(text, style_func=str, ending="")
        self.stream.flush()
