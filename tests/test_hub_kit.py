"""The classroom pieces one by one: student repository, nbgitpuller links, the sync request's
checks, the exchange, grade exports, and the hub kit's files (tests/browser/test_hub_class.py runs
them together on a real hub)."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from dlcourse.classroom.exchange import ExchangeError, collect, init_exchange, submit
from dlcourse.classroom.exports import learner_of, write_gradebook_csv, write_results_json
from dlcourse.classroom.links import COURSE_TARGET, lesson_link
from dlcourse.classroom.student_repo import StudentRepoError, write_student_repo
from dlcourse.classroom.sync import resolve_request

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "course" / "solutions"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_student_repo_has_the_lessons_and_no_solution(tmp_path):
    result = write_student_repo(tmp_path / "student", SOLUTIONS)
    lessons = sorted(p.name for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    assert result.changed == lessons
    files = sorted(_git(result.path, "ls-files").split())
    assert files == sorted([*lessons, "README.md", "course.json"])
    for name in lessons:
        text = (result.path / name).read_text()
        assert "### BEGIN SOLUTION" not in text
        assert text == (REPO / "course" / name).read_text(), f"{name} differs from the released learner copy"
    manifest = json.loads((result.path / "course.json").read_text())
    assert set(manifest["lessons"]) == set(lessons)


def test_student_repo_commits_one_update_and_removes_dropped_lessons(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    for name in ("00_welcome.ipynb", "01_neuron.ipynb"):
        (solutions / name).write_bytes((SOLUTIONS / name).read_bytes())
    repo = tmp_path / "student"
    first = write_student_repo(repo, solutions)
    again = write_student_repo(repo, solutions)
    assert again.changed == [] and again.commit == first.commit  # nothing new, no empty commit
    (solutions / "00_welcome.ipynb").unlink()
    text = (solutions / "01_neuron.ipynb").read_text().replace("The neuron", "The neuron, revised", 1)
    (solutions / "01_neuron.ipynb").write_text(text)
    update = write_student_repo(repo, solutions)
    assert update.changed == ["01_neuron.ipynb"] and update.removed == ["00_welcome.ipynb"]
    assert _git(repo, "log", "--format=%s").splitlines()[0].startswith("Course update: 01_neuron.ipynb")
    assert not (repo / "00_welcome.ipynb").exists()


def test_student_repo_refuses_a_course_that_does_not_release(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    text = (SOLUTIONS / "01_neuron.ipynb").read_text().replace("### END SOLUTION", "", 1)
    (solutions / "01_neuron.ipynb").write_text(text)
    with pytest.raises(StudentRepoError, match="cannot be released"):
        write_student_repo(tmp_path / "student", solutions)
    assert not (tmp_path / "student" / "01_neuron.ipynb").exists()


def test_lesson_link_is_an_nbgitpuller_link_that_ends_in_the_sync():
    link = lesson_link("https://hub.example.edu/", "https://git.example/c.git", "01_neuron.ipynb", branch="fall")
    url = urlparse(link)
    assert url.netloc == "hub.example.edu" and url.path == "/hub/user-redirect/git-pull"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["repo"] == "https://git.example/c.git" and query["branch"] == "fall"
    assert query["targetpath"] == COURSE_TARGET
    after = urlparse(query["urlpath"])
    assert after.path == "dlcourse/sync"
    assert parse_qs(after.query) == {"lesson": ["01_neuron.ipynb"], "source": [COURSE_TARGET]}


@pytest.mark.parametrize("lesson, source", [("../../etc/passwd", None), ("01_neuron.ipynb/../x", None),
                                            ("01_neuron.ipynb", "../other-user"), ("01_neuron.ipynb", "/etc")])
def test_sync_refuses_paths_outside_the_home(tmp_path, lesson, source):
    with pytest.raises(ValueError):
        resolve_request(tmp_path, lesson, source)


def test_sync_accepts_the_link_it_is_given(tmp_path):
    folder, lesson = resolve_request(tmp_path, "01_neuron.ipynb", COURSE_TARGET)
    assert folder == (tmp_path / COURSE_TARGET).resolve() and lesson == "01_neuron.ipynb"


def _lesson(folder: Path, text: str = "{}") -> Path:
    path = folder / "01_neuron.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_exchange_keeps_the_newest_submission_of_each_learner(tmp_path):
    inbound = init_exchange(tmp_path / "ex")
    assert stat.S_IMODE(inbound.stat().st_mode) == 0o1733
    first = submit(_lesson(tmp_path / "ada", "first"), tmp_path / "ex", user="ada")
    submit(_lesson(tmp_path / "alan", "alan's"), tmp_path / "ex", user="alan")
    later = first.with_name(first.name.replace(first.name.split("+")[2], "29991231T235959"))
    later.write_text("second")
    (inbound / "notes.txt").write_text("not a submission")
    result = collect(tmp_path / "ex", tmp_path / "collected")
    assert set(result.files) == {("ada", "01_neuron"), ("alan", "01_neuron")}
    assert (tmp_path / "collected" / "ada" / "01_neuron.ipynb").read_text() == "second"
    assert (tmp_path / "collected" / "alan" / "01_neuron.ipynb").read_text() == "alan's"
    assert result.refused == ["notes.txt: not a submission (name or file type)"]


@pytest.mark.parametrize("user", ["../ada", "a b", "ada/x", ""])
def test_submit_refuses_user_names_that_are_not_file_names(tmp_path, user):
    init_exchange(tmp_path / "ex")
    with pytest.raises(ExchangeError):
        submit(_lesson(tmp_path / "w"), tmp_path / "ex", user=user or "+")


def test_submit_says_what_is_missing(tmp_path):
    with pytest.raises(ExchangeError, match="does not exist"):
        submit(tmp_path / "01_neuron.ipynb", tmp_path / "ex", user="ada")
    with pytest.raises(ExchangeError, match="ask your instructor"):
        submit(_lesson(tmp_path / "w"), tmp_path / "ex", user="ada")


def test_collect_refuses_links_planted_in_the_exchange(tmp_path):
    inbound = init_exchange(tmp_path / "ex")
    secret = tmp_path / "secret.ipynb"
    secret.write_text("instructor only")
    (inbound / "ada+01_neuron+20261201T000000+0123abcd.ipynb").symlink_to(secret)
    result = collect(tmp_path / "ex", tmp_path / "collected")
    assert not result.files and len(result.refused) == 1


@dataclass
class _Row:
    file: str
    lesson: str
    scores: dict[str, float]
    maximum: float
    status: str = "ok"
    flags: list[str] = field(default_factory=list)
    messages: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def test_exports_give_one_record_per_submission_and_one_row_per_learner(tmp_path):
    rows = [_Row("ada/01_neuron.ipynb", "01", {"01.weighted_sum": 1.0, "01.perceptron_predict": 2.0}, 3.0),
            _Row("ada/02_activations.ipynb", "02", {"02.sigmoid": 1.0}, 2.0, messages={"02.sigmoid": ["wrong"]}),
            _Row("=cmd/01_neuron.ipynb", "01", {"01.weighted_sum": 0.0}, 3.0, status="timeout", flags=["x"])]
    write_results_json(rows, tmp_path / "results.json")
    records = json.loads((tmp_path / "results.json").read_text())["submissions"]
    assert [r["learner"] for r in records] == ["ada", "ada", "=cmd"]
    assert records[0]["score"] == 3.0 and records[0]["max_score"] == 3.0
    assert records[1]["tests"][0]["status"] == "failed" and records[1]["tests"][0]["output"] == "wrong"
    write_gradebook_csv(rows, tmp_path / "book.csv")
    table = list(csv.reader((tmp_path / "book.csv").open()))
    assert table[0] == ["learner", "lesson 01", "lesson 02", "total", "status"]
    assert table[1] == ["'=cmd", "0", "", "0", "01: timeout (flagged)"]  # safe to open in a spreadsheet
    assert table[2] == ["ada", "3", "1", "4", "ok"]
    assert learner_of("01_neuron.ipynb") == "01_neuron"


def test_the_image_keeps_datasets_outside_home_and_enables_the_sync():
    dockerfile = (REPO / "deploy" / "image" / "Dockerfile").read_text()
    assert "DLCOURSE_DATA=/opt/dlcourse/datasets" in dockerfile
    assert "jupyter server extension enable --sys-prefix dlcourse.classroom.sync" in dockerfile
    assert "nbgitpuller" in dockerfile and "chmod -R a-w" in dockerfile
    tljh = (REPO / "deploy" / "tljh" / "install.sh").read_text()
    assert "dlcourse.classroom.sync" in tljh and "limits.memory 2G" in tljh


def test_the_zero_to_jupyterhub_values_follow_the_lesson_benchmark():
    values = yaml.safe_load((REPO / "deploy" / "z2jh" / "config.yaml").read_text())
    single = values["singleuser"]
    assert single["defaultUrl"] == "/lab"
    # benchmarks/lessons.py: the largest kernel peak (1.25 GB, lesson 08) plus JupyterLab (0.2 GB) and a margin is the guarantee, and
    # the values file says which measurement the figures come from.
    assert single["memory"] == {"guarantee": "1.6G", "limit": "2G"}
    assert single["cpu"]["limit"] >= 1 and values["cull"]["enabled"] is True
    assert "≤ 1.5 GB" in (REPO / "README.md").read_text()
    assert "benchmarks/lessons.py" in (REPO / "deploy" / "z2jh" / "config.yaml").read_text()


def test_the_commands_are_there(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "dlcourse", "links", "--hub", "http://h", "--repo", "r"],
                         capture_output=True, text=True, env=env, check=True).stdout.splitlines()
    assert len(out) == len(list(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")))
    assert out[0].startswith("00_welcome.ipynb") and "git-pull?repo=r" in out[0]
    done = subprocess.run([sys.executable, "-m", "dlcourse", "submit", "01"], capture_output=True, text=True,
                          env={**env, "DLCOURSE_EXCHANGE": ""})
    assert done.returncode == 2 and "no exchange folder" in done.stderr
