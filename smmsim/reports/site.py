"""The site folder: what may be replaced, atomic swaps, and recovery after a kill.

A site is a folder holding :data:`SITE_MARKER`; the marker is a JSON manifest
of the build (one entry per page). A report only ever replaces or deletes:

- a folder holding the marker, or an empty folder;
- its own work folders next to the site, named ``.<site>.<pid>-<token>.tmp``
  (they hold the marker from their first moment) and ``.<site>.old-<pid>-<ns>``
  (a site moved aside during the swap), once the process that made them is gone.

The swap is two renames: the old site aside to ``.<site>.old-...``, then the
new one in. A build killed between them leaves no ``<site>``; the next build
renames the newest old site back first (:func:`recover`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

__all__ = [
    "SITE_MARKER",
    "check_location",
    "check_replaceable",
    "new_work_folder",
    "read_manifest",
    "recover",
    "remove_site",
    "swap_in",
    "write_manifest",
]

# Written into every site this package builds: only a folder holding it (or an
# empty one) is ever replaced, so a report never deletes files it did not write.
SITE_MARKER = ".smmsim-site"
# what a report writes into a site (for work folders of older versions, without a pid)
_SITE_SUFFIXES = {".html", ".ipynb", ".png", ".js", ".json", ""}


def check_location(folder: Path, name: str = "out", *, shown: str | None = None) -> None:
    """Refuse a site path that is a file or lies below one.

    ``shown`` is how messages name the folder (default: its path), e.g. the
    argument as the user gave it.
    """
    shown = shown or repr(str(folder))
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"`{name}` must be a folder; {shown} is a file.")
    if any(p.exists() and not p.is_dir() for p in folder.parents):
        raise ValueError(f"`{name}` {shown} lies below a file; choose a folder.")


def check_replaceable(folder: Path, name: str = "out", *, shown: str | None = None) -> None:
    """Refuse a site folder that holds anything a report did not write."""
    check_location(folder, name, shown=shown)
    shown = shown or repr(str(folder))
    if not folder.exists():
        return
    if (folder / SITE_MARKER).is_file():
        return
    entries = sorted(p.name for p in folder.iterdir())
    if entries:
        shown_entries = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise ValueError(
            f"`{name}` {shown} holds files that smmsim did not write ({shown_entries}); "
            "a report replaces its folder as a whole, so give a new or empty folder, "
            "or one that holds a site smmsim built."
        )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True


def new_work_folder(site: Path) -> Path:
    """An empty work folder next to ``site``, marked as ours from the start."""
    folder = site.with_name(f".{site.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    folder.mkdir(mode=0o755)
    (folder / SITE_MARKER).write_text(json.dumps({"building": True, "pid": os.getpid()}))
    return folder


def _only_site_files(folder: Path) -> bool:
    for path in folder.rglob("*"):
        if path.is_symlink():
            return False
        if path.is_file() and path.suffix not in _SITE_SUFFIXES and path.name != SITE_MARKER:
            return False
    return True


def recover(site: Path) -> list[str]:
    """Undo what killed builds of ``site`` left behind; return what was done.

    - no ``site`` but old sites moved aside (``.<site>.old-*``) by a build
      that is gone: the newest is renamed back, the others removed;
    - old sites moved aside when ``site`` exists: removed;
    - work folders ``.<site>.<pid>-*.tmp`` of builds that are gone: removed.

    The same is done for ``<site>.failed``. Only folders holding the site
    marker are touched (and, for work folders of older versions without a pid
    in the name, only if they hold nothing but report files).
    """
    done: list[str] = []
    parent = site.parent
    if not parent.is_dir():
        return done
    for target in (site, site.with_name(site.name + ".failed")):
        old_re = re.compile(rf"^\.{re.escape(target.name)}\.old-(\d+)-\d+$")
        olds = []
        for path in parent.iterdir():
            m = old_re.match(path.name)
            if m and path.is_dir() and not _alive(int(m.group(1))):
                if (path / SITE_MARKER).is_file():
                    olds.append(path)
        olds.sort(key=lambda p: p.stat().st_mtime)
        if olds and not target.exists():
            newest = olds.pop()
            os.replace(newest, target)
            done.append(f"restored {str(target)!r} (an earlier build was stopped mid-swap)")
        for path in olds:
            shutil.rmtree(path, ignore_errors=True)
            done.append(f"removed {path.name!r} (left by a stopped build)")
    tmp_re = re.compile(rf"^\.{re.escape(site.name)}\.(?:(\d+)-[0-9a-f]+|[a-z0-9_]{{8}})\.tmp$")
    for path in parent.iterdir():
        m = tmp_re.match(path.name)
        if not m or not path.is_dir() or path.is_symlink():
            continue
        if m.group(1) is not None:
            if _alive(int(m.group(1))) or not (path / SITE_MARKER).is_file():
                continue
        elif not _only_site_files(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
        done.append(f"removed {path.name!r} (left by a stopped build)")
    return done


def swap_in(tmp: Path, target: Path) -> None:
    """Replace folder ``target`` by ``tmp`` (two renames; the old one is removed after)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_site(folder: Path) -> bool:
    """Remove ``folder`` if it is a site (holds the marker); return whether it did."""
    if folder.is_dir() and not folder.is_symlink() and (folder / SITE_MARKER).is_file():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(folder, old)
        shutil.rmtree(old, ignore_errors=True)
        return True
    return False


def read_manifest(site: Path) -> dict | None:
    """The manifest of a site built by this version, or None."""
    try:
        data = json.loads((site / SITE_MARKER).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        return None
    return data


def write_manifest(site: Path, manifest: dict) -> None:
    (site / SITE_MARKER).write_text(json.dumps(manifest, indent=1, default=repr) + "\n")
