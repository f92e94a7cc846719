"""dlcourse.cpus: the CPUs a process can use, from fake cgroup files and the real affinity."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlcourse import cpus


def fake_proc(tmp_path: Path, cgroup: str, mounts: list[tuple[str, str, str, str]]) -> Path:
    """A fake /proc/self: its ``cgroup`` file and a ``mountinfo`` with (root, point, fstype, options)."""
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "cgroup").write_text(cgroup)
    lines = [f"{30 + i} 1 0:{i} {root} {point} rw,relatime shared:{i} - {fstype} cgroup {options}"
             for i, (root, point, fstype, options) in enumerate(mounts)]
    (proc / "mountinfo").write_text("\n".join(lines) + "\n")
    return proc


@pytest.mark.parametrize("text, expected", [
    ("max 100000\n", None), ("100000 100000\n", 1.0), ("150000 100000", 1.5), ("50000 100000", 0.5),
    ("", None), ("garbage", None), ("0 100000", None),
])
def test_cpu_max_lines_are_read_as_cpus(text, expected):
    assert cpus.parse_cpu_max(text) == expected


@pytest.mark.parametrize("quota, period, expected", [
    ("-1\n", "100000\n", None), ("200000\n", "100000\n", 2.0), ("25000", "100000", 0.25), ("x", "1", None),
])
def test_cgroup_v1_quota_and_period_are_read_as_cpus(quota, period, expected):
    assert cpus.parse_cfs_quota(quota, period) == expected


def test_cgroup_v2_quota_of_the_process_and_its_ancestors(tmp_path):
    mount = tmp_path / "cgroup2"
    leaf = mount / "user.slice" / "jupyter"
    leaf.mkdir(parents=True)
    (mount / "cpu.max").write_text("max 100000\n")            # the root: never limited
    (mount / "user.slice" / "cpu.max").write_text("150000 100000\n")
    (leaf / "cpu.max").write_text("max 100000\n")
    proc = fake_proc(tmp_path, "0::/user.slice/jupyter\n", [("/", str(mount), "cgroup2", "rw")])
    assert cpus.quota_cpus(proc) == 1.5                       # the parent's quota limits the leaf
    (leaf / "cpu.max").write_text("100000 100000\n")
    assert cpus.quota_cpus(proc) == 1.0                       # the smallest on the way up counts


def test_cgroup_v2_inside_a_container_whose_cgroup_is_its_root(tmp_path):
    mount = tmp_path / "cgroup"
    mount.mkdir()
    (mount / "cpu.max").write_text("100000 100000\n")
    # Binder-like: the container's own cgroup is mounted as /sys/fs/cgroup and shows as "/".
    proc = fake_proc(tmp_path, "0::/\n", [("/kubepods/pod1/abc", str(mount), "cgroup2", "rw")])
    assert cpus.quota_cpus(proc) == 1.0


def test_cgroup_v1_cpu_controller_quota(tmp_path):
    cpu = tmp_path / "cpu"
    group = cpu / "docker" / "abc"
    group.mkdir(parents=True)
    (cpu / "cpu.cfs_quota_us").write_text("-1\n")
    (cpu / "cpu.cfs_period_us").write_text("100000\n")
    (group / "cpu.cfs_quota_us").write_text("50000\n")
    (group / "cpu.cfs_period_us").write_text("100000\n")
    cgroup = "4:memory:/docker/abc\n3:cpuacct:/docker/abc\n2:cpu:/docker/abc\n0::/\n"
    mounts = [("/", str(tmp_path / "acct"), "cgroup", "rw,cpuacct"), ("/", str(cpu), "cgroup", "rw,cpu")]
    assert cpus.quota_cpus(fake_proc(tmp_path, cgroup, mounts)) == 0.5


def test_no_quota_and_unreadable_files_mean_unlimited(tmp_path):
    mount = tmp_path / "cgroup2"
    mount.mkdir()
    (mount / "cpu.max").write_text("max 100000\n")
    assert cpus.quota_cpus(fake_proc(tmp_path, "0::/\n", [("/", str(mount), "cgroup2", "rw")])) is None
    assert cpus.quota_cpus(tmp_path / "missing") is None


def test_usable_cpus_is_the_affinity_capped_by_the_quota_rounded_down(monkeypatch):
    monkeypatch.setattr(cpus, "affinity_cpus", lambda: 8)
    for quota, expected in [(None, 8), (1.0, 1), (0.5, 1), (1.9, 1), (2.0, 2), (16.0, 8)]:
        monkeypatch.setattr(cpus, "quota_cpus", lambda q=quota: q)
        cpus.usable_cpus.cache_clear()
        assert cpus.usable_cpus() == expected
    cpus.usable_cpus.cache_clear()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs Linux affinity calls")
def test_affinity_of_a_process_pinned_to_one_cpu():
    one = min(os.sched_getaffinity(0))
    code = (f"import os; os.sched_setaffinity(0, {{{one}}}); "
            "from dlcourse import cpus; print(cpus.affinity_cpus(), cpus.usable_cpus())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "1"]
    assert cpus.affinity_cpus() == len(os.sched_getaffinity(0))
