"""How many CPUs this process can actually use: its affinity and its cgroup CPU quota.

``os.cpu_count()`` counts the host's cores. A container on Binder or a JupyterHub often sees
them all but may run on about one: the scheduler gives it a *quota* (cgroup v2 ``cpu.max``,
e.g. ``"100000 100000"`` = 1 CPU; cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``), or
pins it to a few cores (its *affinity*, ``os.sched_getaffinity``). Threads beyond what the
process may use only wait for each other. :func:`usable_cpus` is the smaller of the two, at
least 1; a fractional quota is rounded down (1.5 CPUs -> 1), since a thread pool larger than
the quota gets throttled in the middle of its work.

The engine (:mod:`dlcourse.nn.threads`) and :func:`dlcourse.seeding.import_keras` size their
thread pools with it. Nothing here runs at import time.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["affinity_cpus", "quota_cpus", "usable_cpus", "parse_cpu_max", "parse_cfs_quota"]


def affinity_cpus() -> int:
    """The number of CPUs this process may be scheduled on (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux: no affinity call
        return max(1, os.cpu_count() or 1)


def parse_cpu_max(text: str) -> float | None:
    """CPUs allowed by a cgroup v2 ``cpu.max`` line (``"max 100000"`` -> None, ``"50000 100000"`` -> 0.5)."""
    parts = text.split()
    if len(parts) != 2 or parts[0] == "max":
        return None
    try:
        quota, period = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def parse_cfs_quota(quota_text: str, period_text: str) -> float | None:
    """CPUs allowed by cgroup v1 ``cpu.cfs_quota_us`` and ``cpu.cfs_period_us`` (quota -1: None)."""
    try:
        quota, period = int(quota_text.strip()), int(period_text.strip())
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _cgroup_dirs(proc: Path) -> list[tuple[str, Path, Path]]:
    """(version, mount point, directory) of this process's CPU cgroup, from its mountinfo and cgroup files."""
    cgroup_text, mountinfo = _read(proc / "cgroup"), _read(proc / "mountinfo")
    if not cgroup_text or not mountinfo:
        return []
    own: dict[str, str] = {}  # "v2" or "v1" -> the process's path in that hierarchy
    for line in cgroup_text.splitlines():
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and controllers == "":
            own["v2"] = path
        elif "cpu" in controllers.split(","):
            own["v1"] = path
    found = []
    for line in mountinfo.splitlines():
        fields, _, tail = line.partition(" - ")
        fields, tail = fields.split(), tail.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        root, mount_point, fstype, options = fields[3], fields[4], tail[0], tail[2].split(",")
        version = "v2" if fstype == "cgroup2" else "v1" if fstype == "cgroup" and "cpu" in options else None
        if version is None or version not in own:
            continue
        path = own[version]
        if root != "/" and path.startswith(root):  # a container sees its own cgroup as the root
            path = path[len(root):]
        elif root != "/":
            path = "/"
        found.append((version, Path(mount_point), Path(mount_point) / path.lstrip("/")))
    return found


def quota_cpus(proc: str | os.PathLike = "/proc/self") -> float | None:
    """The CPU quota of this process's cgroup and its ancestors, in CPUs, or None if unlimited.

    ``proc`` is the ``/proc/<pid>`` directory to read ``cgroup`` and ``mountinfo`` from (a
    fake one in the tests). The smallest quota on the way up to the hierarchy's root counts.
    """
    limits = []
    for version, mount_point, directory in _cgroup_dirs(Path(proc)):
        levels = [directory, *directory.parents]
        for level in levels[:levels.index(mount_point) + 1] if mount_point in levels else [directory]:
            if version == "v2":
                text = _read(level / "cpu.max")
                limit = parse_cpu_max(text) if text else None
            else:
                quota, period = _read(level / "cpu.cfs_quota_us"), _read(level / "cpu.cfs_period_us")
                limit = parse_cfs_quota(quota, period) if quota and period else None
            if limit is not None:
                limits.append(limit)
    return min(limits) if limits else None


@lru_cache(maxsize=1)
def usable_cpus() -> int:
    """The CPUs this process can use: its affinity, capped by its cgroup quota (rounded down), >= 1.

    Computed once per process (a quota rarely changes while a kernel runs).
    """
    cpus = affinity_cpus()
    quota = quota_cpus()
    if quota is not None:
        cpus = min(cpus, max(1, math.floor(quota)))
    return cpus
