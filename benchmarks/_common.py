"""What every benchmark shares: figures and targets, the machine record, test images, peak RSS, the fake.

The fake runs in its own process (``benchmarks/_fake_server.py``) so its CPU time is never counted as the
client's, and it is steered over a pipe (reset, sizes, counters) so one process serves a whole run.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import statistics
import struct
import subprocess
import sys
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
MIB = 1 << 20
KIB = 1 << 10


# ------------------------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """One measured quantity over repeated rounds; the table shows its median with min and max."""

    name: str
    unit: str
    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "median": self.median,
            "min": min(self.values),
            "max": max(self.values),
            "values": self.values,
        }


@dataclass
class Target:
    """A target from issue 7: ``value <= limit`` passes."""

    name: str
    value: float
    limit: float

    @property
    def ok(self) -> bool:
        return self.value <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


@dataclass
class Result:
    """What one benchmark reports: its figures, the targets it checks and free-form notes."""

    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figure(self, name: str, unit: str, values: list[float]) -> Figure:
        made = Figure(name, unit, values)
        self.figures.append(made)
        return made

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "figures": [f.as_dict() for f in self.figures],
            "targets": [t.as_dict() for t in self.targets],
            "notes": self.notes,
        }


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    """Round-by-round ratios: each pair was measured back to back, so machine load cancels out."""
    return [a / b for a, b in zip(numerators, denominators, strict=True)]


def _number(value: float, unit: str) -> str:
    if unit in ("x", "ratio"):
        return f"{value:.3f}"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.4g}"


def format_table(results: list[Result]) -> str:
    """A plain-text table: one line per figure (median [min .. max]) and one per target (PASS or MISS)."""
    lines: list[str] = []
    for result in results:
        lines.append(f"{result.title}")
        for fig in result.figures:
            spread = f"[{_number(min(fig.values), fig.unit)} .. {_number(max(fig.values), fig.unit)}]"
            lines.append(f"  {fig.name:<46} {_number(fig.median, fig.unit):>10} {fig.unit:<6} {spread}")
        for target in result.targets:
            verdict = "PASS" if target.ok else "MISS"
            value, limit = f"{target.value:.3f}".rstrip("0").rstrip("."), f"{target.limit:g}"
            lines.append(f"  target: {target.name:<38} {value:>10} <= {limit:<6} {verdict}")
        for note in result.notes:
            lines.append(f"  note: {note}")
        lines.append("")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import httpx

    from stability import __version__

    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "httpx": httpx.__version__,
        "stability": __version__,
    }


# -------------------------------------------------------------------------------------------- images


def png(width: int, height: int, *, alpha: bool = False, size: int | None = None) -> bytes:
    """A decodable one-colour PNG (stdlib only), padded with a private chunk to ``size`` bytes if given.

    Padding makes a file of any byte size at a pixel count the fake paints quickly, so an upload benchmark
    measures the bytes crossing the socket rather than the fake decoding and repainting a huge picture.
    """
    channels = 4 if alpha else 3
    raw = (b"\x00" + bytes([128] * channels * width)) * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
    tail = chunk(b"IEND", b"")
    padding = (size or 0) - len(head) - len(tail) - 12
    if padding > 0:
        head += chunk(b"paDd", bytes(padding))
    return head + tail


def write_png(path: Path, width: int, height: int, *, alpha: bool = False, size: int | None = None) -> Path:
    path.write_bytes(png(width, height, alpha=alpha, size=size))
    return path


# ------------------------------------------------------------------------------------------- memory


def _status_kib(key: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{key}:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(found.group(1)) if found else None


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS, so warm-up peaks are not counted.

    Linux 4.0+ only; elsewhere the peak includes warm-up and the figure is an upper bound.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def current_rss() -> int:
    """Resident set size in bytes (VmRSS; the peak so far where /proc is missing)."""
    kib = _status_kib("VmRSS")
    return kib * KIB if kib is not None else peak_rss()


def peak_rss() -> int:
    """Peak resident set size in bytes (VmHWM, else getrusage, whose unit is KiB on Linux, bytes on macOS)."""
    kib = _status_kib("VmHWM")
    if kib is not None:
        return kib * KIB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * KIB


# --------------------------------------------------------------------------------------------- fake


class Child:
    """A helper process run as ``python -m MODULE ARGS``, steered with one JSON line per command and answer.

    Its first line is a JSON greeting (kept in ``hello``); closing its input stops it.
    """

    def __init__(self, module: str, args: list[str]) -> None:
        self._command = [sys.executable, "-m", module, *args]
        self._process: subprocess.Popen[str] | None = None
        self.hello: dict[str, Any] = {}

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            self._command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        try:
            self.hello = self._read()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()  # end of input stops the child
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"{' '.join(self._command[1:3])} exited")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{' '.join(self._command[1:3])}: {answer['error']}")
        return answer

    def command(self, name: str, **arguments: Any) -> dict[str, Any]:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(json.dumps({"cmd": name, **arguments}) + "\n")
        self._process.stdin.flush()
        return self._read()


class FakeServer(Child):
    """The fake (``--fast``, no rate limit) in a child process (``benchmarks/_fake_server.py``)."""

    def __init__(self, *, image_bytes: int | None = None, job_duration: float = 0.0) -> None:
        args = [f"--job-duration={job_duration}"]
        if image_bytes is not None:
            args.append(f"--image-bytes={image_bytes}")
        super().__init__("benchmarks._fake_server", args)
        self._image_bytes, self._job_duration = image_bytes, job_duration

    def another(self) -> FakeServer:
        """A new fake process with the same settings (not yet started)."""
        return FakeServer(image_bytes=self._image_bytes, job_duration=self._job_duration)

    @property
    def base_url(self) -> str:
        return str(self.hello["base_url"])

    @property
    def api_key(self) -> str:
        return str(self.hello["api_key"])

    def reset(self) -> None:
        """Forget requests, jobs and the connection count."""
        self.command("reset")

    def configure(self, **settings: Any) -> None:
        """Set ``job_duration``, ``video_bytes`` or ``image_bytes`` on the running fake."""
        self.command("set", **settings)

    def stats(self) -> dict[str, Any]:
        """``{"connections_opened": N, "counts": {operation: requests}}`` since the last reset."""
        return self.command("stats")
