"""Helpers shared by the benchmark scripts: resident memory, timing loops, tables.

Memory is resident set size (RSS) read from ``/proc/self/status`` on Linux.
The kernel's peak-RSS mark (``VmHWM``) can be reset by writing ``5`` to
``/proc/self/clear_refs``, so the peak of one phase is measured without a
helper thread (which would disturb the timings). Where that is not possible
the peak is reported as NaN.
"""

from __future__ import annotations

import csv
import ctypes
import gc
import math
import os
import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path

MIB = 1024.0 * 1024.0


def _status_kib(key: str) -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return math.nan


def rss_mib() -> float:
    """Current resident set size of this process, in MiB."""
    return _status_kib("VmRSS") / 1024.0


def peak_rss_mib() -> float:
    """Peak resident set size since start or the last :func:`reset_peak_rss`, in MiB."""
    return _status_kib("VmHWM") / 1024.0


def maxrss_mib() -> float:
    """Lifetime peak RSS from ``resource.getrusage`` (``ru_maxrss``), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def release_memory() -> None:
    """Collect garbage and hand free heap pages back to the OS (glibc only)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS; False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class PeakRSS:
    """Context manager measuring the peak RSS growth of a block, in MiB.

    After the block, ``delta`` is ``peak RSS during the block - RSS before it``
    (NaN where the peak mark cannot be reset).
    """

    def __enter__(self):
        release_memory()
        self.ok = reset_peak_rss()
        self.before = rss_mib()
        self.delta = math.nan
        return self

    def __exit__(self, *exc):
        if self.ok:
            self.delta = max(peak_rss_mib() - self.before, 0.0)
        return False


def timed_loop(
    run_once: Callable[[], object],
    *,
    min_runs: int,
    max_runs: int,
    budget_s: float,
    after: Callable[[object], None] | None = None,
) -> list[float]:
    """Time ``run_once`` repeatedly; return the wall time of each call in seconds.

    Runs at least ``min_runs`` and at most ``max_runs`` calls, stopping once
    ``budget_s`` seconds have passed. ``after(result)`` runs outside the timed
    region (for bookkeeping such as counting the edges an active set checked).
    """
    times = []
    start = time.perf_counter()
    while len(times) < max_runs and (
        len(times) < min_runs or time.perf_counter() - start < budget_s
    ):
        t0 = time.perf_counter()
        out = run_once()
        times.append(time.perf_counter() - t0)
        if after is not None:
            after(out)
    return times


def machine_summary() -> str:
    """One line naming the CPU, core count, Python and OS."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def format_value(value, spec: str) -> str:
    """Format one cell; NaN and None show as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    return format(value, spec)


def markdown_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """Render ``rows`` as a GitHub markdown table.

    ``columns`` holds ``(key, header, format_spec)`` triples.
    """
    header = "| " + " | ".join(h for _, h, _ in columns) + " |"
    rule = "|" + "|".join("---" if spec == "s" else "--:" for _, _, spec in columns) + "|"
    body = [
        "| " + " | ".join(format_value(row.get(key), spec) for key, _, spec in columns) + " |"
        for row in rows
    ]
    return "\n".join([header, rule, *body])


def write_rows(path, rows: list[dict], columns: list[tuple[str, str, str]], preamble: str) -> None:
    """Write ``rows`` to ``path``: CSV (all keys) for ``.csv``, a table for ``.md``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".md":
        path.write_text(preamble + "\n\n" + markdown_table(rows, columns) + "\n")
    elif path.suffix == ".csv":
        keys = list(dict.fromkeys(k for row in rows for k in row))
        with path.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=keys)
            writer.writeheader()
            writer.writerows(rows)
    else:
        raise ValueError(f"`--out` must end in .csv or .md; got {str(path)!r}.")
