"""Measured subprocesses for the benchmark: wall time, CPU time, and memory two ways.

Memory of a build that forks workers is not one process's RSS: pages shared by the parent and
its forks are counted once per process by RSS. So a run reports both the largest single
process's peak RSS (wait4, what `time -v` shows) and the peak of the whole process tree's PSS
(proportional set size: shared pages split between the processes sharing them), sampled from
/proc every 100 ms. The tree's PSS is what the machine actually had to provide. (Every 20 ms,
reading PSS took a sixth of a 10k build's time on 2 cores; the peaks last longer than 100 ms.)
A child started by vfork (subprocess does so) runs in its parent's memory until it execs: /proc
shows it the parent's pages, which are counted once.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

SAMPLE_SECONDS = 0.1


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float           # the largest single process (wait4)
    peak_tree_pss_mb: float      # all processes of the run together, sampled (0 where no /proc)
    cpu_seconds: float           # user + system, the process and the children it waited for
    exit_code: int
    log: str
    at_peak: str = ""            # the processes at the tree's peak, largest first: "pagefind 116, build 101"
    system_seconds: float = 0.0  # the kernel's part of cpu_seconds (creating and writing files, forking)


def run_measured(cmd: list[str], cwd: Path, log_path: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion and measure it."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)   # -> MiB
    return Run(round(seconds, 3), round(rss, 1), round(sampler.peak_kib / 1024, 1),
               round(usage.ru_utime + usage.ru_stime, 3), proc.returncode, str(log_path),
               sampler.at_peak, round(usage.ru_stime, 3))


def median_run(runs: list[Run]) -> Run:
    """Median wall and CPU time; highest memory figures (and the processes of the highest peak)."""
    highest = max(runs, key=lambda r: r.peak_tree_pss_mb)
    return Run(round(statistics.median(r.seconds for r in runs), 3), max(r.peak_rss_mb for r in runs),
               highest.peak_tree_pss_mb, round(statistics.median(r.cpu_seconds for r in runs), 3),
               max(r.exit_code for r in runs), runs[0].log, highest.at_peak,
               round(statistics.median(r.system_seconds for r in runs), 3))


class TreeSampler:
    """Polls the PSS of a process and all its descendants until stopped; keeps the peak."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kib = 0
        self.at_peak = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        if Path(f"/proc/{self.pid}/smaps_rollup").exists():
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            tree = _tree(self.pid)
            before = _live(tree)
            rollups = {p: _rollup(p) for p in tree}
            if same_processes(before, rollups, _live(_tree(self.pid))):
                total = tree_pss_kib(tree, rollups)
                if total > self.peak_kib:
                    self.peak_kib = total
                    self.at_peak = processes_text(tree, rollups, {p: _cmdline(p) for p in tree})
            self._stop.wait(SAMPLE_SECONDS)


def _live(tree: dict[int, int | None]) -> set[int]:
    return {p for p in tree if _rollup(p)}


def same_processes(live_before: set[int], rollups: dict[int, str], live_after: set[int]) -> bool:
    """Whether the processes read (those with counts) were alive before the first read and
    after the last. A process that starts or ends meanwhile moves the shares of the memory its
    siblings share: a worker's exit between two reads counted a sibling's half share after a
    third, and a sample so read is left out."""
    return live_before == {p for p, rollup in rollups.items() if rollup} == live_after


def _tree(pid: int) -> dict[int, int | None]:
    """The process `pid` and its descendants, each with its parent (None for `pid`)."""
    found: dict[int, int | None] = {}
    todo: list[tuple[int, int | None]] = [(pid, None)]
    while todo:
        p, parent = todo.pop()
        found[p] = parent
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend((int(c), p) for c in fh.read().split())
        except OSError:
            continue
    return found


def _rollup(pid: int) -> str:
    """The process's memory counts (smaps_rollup without its address line; "" when gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return "".join(fh.readlines()[1:])
    except OSError:
        return ""


def tree_pss_kib(tree: dict[int, int | None], rollups: dict[int, str]) -> int:
    """The PSS of the processes of `tree` (pid -> parent) together, from their rollups. A child
    whose counts are its parent's to the kilobyte shares its parent's memory (vfork, before its
    exec: the parent waits meanwhile, so nothing moves): counted once."""
    return sum(_pss_of(rollups.get(p, "")) for p, parent in tree.items()
               if parent is None or rollups.get(p) != rollups.get(parent))


def processes_text(tree: dict[int, int | None], rollups: dict[int, str],
                   cmdlines: dict[int, list[str]]) -> str:
    """The processes `tree_pss_kib` counts, largest first, each with its PSS in MiB: "pagefind 116,
    build 101, worker 36". A forked worker has its parent's command line."""
    root = next(p for p, parent in tree.items() if parent is None)
    counted = [(_pss_of(rollups.get(p, "")), process_label(cmdlines.get(p, []), cmdlines.get(root, []),
                                                           p == root))
               for p, parent in tree.items()
               if parent is None or rollups.get(p) != rollups.get(parent)]
    return ", ".join(f"{label} {kib / 1024:.0f}" for kib, label in sorted(counted, reverse=True) if kib)


def process_label(cmdline: list[str], root: list[str], is_root: bool) -> str:
    """"build" (the process the run started), "worker" (forked from it), the module a fresh
    interpreter runs ("python builder.chart_cache"), or the program's name ("pagefind")."""
    if is_root:
        return "build"
    if cmdline == root:
        return "worker"
    if not cmdline:
        return "?"
    module = re.search(r"\bbuilder\.\w+", " ".join(cmdline[1:]))
    program = Path(cmdline[0]).name
    return f"{program} {module[0]}" if module else program


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().decode(errors="replace").split("\0")[:-1]
    except OSError:
        return []


def _pss_of(rollup: str) -> int:
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            try:
                return int(line.split()[1])
            except (ValueError, IndexError):
                return 0
    return 0


def alternate(rounds: int, contenders: dict[str, tuple[Callable[[], None], Callable[[], Run]]],
              log: Callable[[str], None], first_rounds: Mapping[str, int] | None = None
              ) -> dict[str, list[Run]]:
    """A B A B: each round runs every contender once (prepare, then run), in turn, so that a
    machine getting busier or quieter affects all of them alike; a contender named in
    `first_rounds` runs in that many first rounds only. A failed contender drops out."""
    runs: dict[str, list[Run]] = {name: [] for name in contenders}
    for i in range(rounds):
        for name, (prepare, run) in contenders.items():
            if runs[name] and runs[name][-1].exit_code != 0 or i >= (first_rounds or {}).get(name, rounds):
                continue
            prepare()
            settle()
            result = run()
            runs[name].append(result)
            log(f"  round {i + 1}/{rounds}: {name} {result.seconds:.2f} s wall, {result.cpu_seconds:.2f} s CPU, "
                f"tree PSS {result.peak_tree_pss_mb:.0f} MiB" + ("" if result.exit_code == 0 else
                                                                   f" (exit {result.exit_code})"))
    return runs


SET_ASIDE = ".set-aside"
_set_aside: list[Path] = []


def set_aside(path: Path) -> None:
    """`path` out of the way of the next runs, deleted only by `delete_set_aside`, once no run
    is timed any more. On ext4 without a journal (as virtual machines' disks often are), a file
    created within a minute (six, while the deleted inodes are not written back) of many
    deletions costs the time to look at each recently deleted inode and skip it: a cold 10k
    build right after the last one's site and caches were deleted took 15-18 s of wall time,
    and more each round, instead of 10 s (most of it in the kernel)."""
    if not path.exists() and not path.is_symlink():
        return
    folder = path.parent / SET_ASIDE
    folder.mkdir(exist_ok=True)
    target = folder / f"{os.getpid()}-{len(_set_aside)}-{path.name}"
    os.rename(path, target)
    _set_aside.append(target)


def delete_set_aside() -> None:
    """Delete the folders `set_aside` moved things to, with all they hold."""
    for folder in {path.parent for path in _set_aside}:
        shutil.rmtree(folder, ignore_errors=True)
    _set_aside.clear()


def settle() -> None:
    """Before a timed run: what the previous one wrote (and the deletions of its output) goes to
    disk now, not during the next run's time."""
    if hasattr(os, "sync"):
        os.sync()


def tail(path: str, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def call(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)
