"""The demo's screen and log file: a line per step with the elapsed time, a spinner on long waits, and
everything the code under demonstration logs (Lambda JSON lines, Spark, the job scripts) sent to a file."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@dataclass
class Step:
    """One step on screen; `note` is added to its closing line (e.g. "251 resources")."""

    name: str
    started: float
    note: str = ""
    seconds: float = 0.0


@dataclass
class Progress:
    """Prints `[demo  12.3s] name ... note (4.5 s)` per step to `out`; a spinner redraws the open step on a TTY."""

    out: IO[str] = field(default_factory=lambda: sys.stdout)
    started: float = field(default_factory=time.monotonic)
    steps: list[Step] = field(default_factory=list)
    _spinning: threading.Lock = field(default_factory=threading.Lock)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def say(self, message: str) -> None:
        clear = "\r\033[K" if _is_tty(self.out) else ""  # over a spinner's line, if one is drawn
        print(f"{clear}[demo {self.elapsed():6.1f}s] {message}", file=self.out, flush=True)

    @contextlib.contextmanager
    def step(self, name: str, long: bool = False) -> Iterator[Step]:
        """A step; `long` ones show a spinner with the seconds so far (on a TTY) or a start line (elsewhere)."""
        current = Step(name, time.monotonic())
        stop = threading.Event()
        spinner: threading.Thread | None = None
        # One spinner at a time (steps may run side by side): the other long step gets a start line.
        interactive = long and _is_tty(self.out) and self._spinning.acquire(blocking=False)
        if interactive:
            spinner = threading.Thread(target=self._spin, args=(current, stop), daemon=True)
            spinner.start()
        elif long:
            self.say(f"{name} ...")
        try:
            yield current
        except BaseException:
            current.note = current.note or "FAILED"
            raise
        finally:
            stop.set()
            if spinner is not None:
                spinner.join()
                print("\r\033[K", end="", file=self.out, flush=True)
                self._spinning.release()
            current.seconds = time.monotonic() - current.started
            self.steps.append(current)
            note = f": {current.note}" if current.note else ""
            self.say(f"{name}{note} ({current.seconds:.1f} s)")

    def _spin(self, current: Step, stop: threading.Event) -> None:
        for frame in itertools.cycle(SPINNER):
            if stop.wait(0.1):
                return
            waited = time.monotonic() - current.started
            print(
                f"\r\033[K[demo {self.elapsed():6.1f}s] {frame} {current.name} {waited:4.0f} s", end="", file=self.out
            )
            self.out.flush()


def screen() -> IO[str]:
    """The terminal as it is now, kept when `LogFile.quiet` points file descriptors 1 and 2 at the log."""
    try:
        return os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    except (AttributeError, OSError, ValueError):  # a replaced sys.stdout (pytest's capture) has no real fd
        return sys.stdout


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class LogFile:
    """build/demo/demo.log: the Lambdas' JSON lines, Python logging and (inside `quiet()`) the process's own
    stdout/stderr file descriptors, where Spark's JVM writes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.stream: IO[str] = path.open("w", encoding="utf-8", buffering=1)
        self._undo: list[Any] = []

    def route_loggers(self) -> None:
        """Send the in-process Lambdas' loggers and the root logger to the file (undone by `close`)."""
        from batch_launcher.launcher import logger as launcher_logger
        from glue_deployer.deployer import logger as deployer_logger

        previous = deployer_logger.set_stream(self.stream)
        self._undo.append(lambda: deployer_logger.set_stream(previous))
        handler = launcher_logger.registered_handler
        if isinstance(handler, logging.StreamHandler):
            before = handler.setStream(self.stream)
            self._undo.append(lambda: handler.setStream(before))
        file_handler = logging.StreamHandler(self.stream)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        # The Lambdas' loggers write their own JSON lines above; their records reaching the root are repeats.
        file_handler.addFilter(lambda record: not record.name.startswith(("batch-launcher", "glue-deployer")))
        root = logging.getLogger()
        saved_level, saved_handlers = root.level, root.handlers[:]
        root.handlers = [file_handler]
        root.setLevel(logging.INFO)

        def restore_root() -> None:
            root.handlers = saved_handlers
            root.setLevel(saved_level)

        self._undo.append(restore_root)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """File descriptors 1 and 2 go to the log file inside the block (Spark's JVM and py4j print there)."""
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(self.stream.fileno(), 1)
            os.dup2(self.stream.fileno(), 2)
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)

    def close(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        self.stream.close()
