#!/usr/bin/env python3
"""`make bench`: measure collab-site against the performance bars of DESIGN.md, in one run.

What one run does (everything under bench-out/, which is git-ignored; --out picks another folder)
------------------------------------------------------------------------------------------------
1. Generates, deterministically (fixed seed, fixed dates, no wall clock), a synthetic collaboration
   in <out>/bucket/: 10,000 messages (both file-name generations, frontmatter like the demo bucket,
   markdown bodies with @mentions, code, tables, artifact paths and refs), 2,000 results
   (results/*.md with `tps`, `ppl`, method, status, description + verification_status.json),
   100 agents and 50 traces (some with a few-hundred-line Claude Code JSONL log). The bench config
   <out>/collab.toml is the repository's collab.toml with [source] pointed at that bucket, so the
   metric settings (field `tps`, ...) are the demo's.
2. Full build: fresh site folder and fresh render cache (<out>/.cache is deleted), run as
   `python -m builder build --config <out>/collab.toml --out <out>/site` in a subprocess; wall time,
   CPU time and the child's peak RSS (os.wait4 rusage) against the 500 MB budget.
3. No-change rebuild: the same command again; its time and ratio to the full build (budget < 10%).
4. One new message (a reply that refs an existing message): rebuild and diff site/manifest.json
   "files" before/after (changed + added + removed); budget ~20 files, all of them listed.
5. Hugo and Pelican building the same messages as plain pages (one page per message plus
   paginated lists); ratios collab-site/Hugo (budget <= 2x) and Pelican/collab-site (budget >= 3x),
   with the page counts of each (collab-site builds far more than one page per message).
6. The "table 10x sooner than the reference dashboard" bar is NOT measured (the reference is a
   FastAPI Space that needs the Hub); when Chromium + Playwright are present, the time to our own
   home page's leaderboard table being painted is measured instead, served from 127.0.0.1.
7. End to end through a fake Hub (scripts/bench_hub.py): the same bucket synced from the
   tests' fake Hub, built and published to a fake Space as the cron job does it, on a fresh
   runner each time: first run, nothing changed (0 downloads, 0 commits), one new message
   (1 download, 1 commit of at most 20 files). --skip-hub leaves it out.

Results: a table on stdout and <out>/results.json. The script reports, it does not gate: it exits 0
when a budget is missed (printed as MISSED) and 1 only when the collab-site build itself failed.

Usage:
    .venv/bin/python scripts/bench.py                 # full size (10,000 messages ...)
    .venv/bin/python scripts/bench.py --quick         # 1,000 messages, 200 results, 20 agents, 5 traces
    .venv/bin/python scripts/bench.py --install       # may apt-get install hugo (root) and create
                                                      # <out>/pelican-venv with pelican + markdown
    .venv/bin/python scripts/bench.py --profile       # + one extra full build under cProfile
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import tomllib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:          # for scripts.ensure_browser (Chromium lookup)
    sys.path.insert(0, str(REPO))

from scripts import bench_hub  # noqa: E402  (the end-to-end Hub part, step 7)

UTC = timezone.utc
SEED = 20260801
BASE = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
FULL = {"messages": 10_000, "results": 2_000, "agents": 100, "traces": 50}
QUICK = {"messages": 1_000, "results": 200, "agents": 20, "traces": 5}

BUDGET_RSS_MB = 500.0
BUDGET_REBUILD_RATIO = 0.10
BUDGET_CHANGED_FILES = 20
BUDGET_VS_HUGO = 2.0
BUDGET_VS_PELICAN = 3.0

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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
        shutil.rmtree(self.root, ignore_errors=True)
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


def new_message(synth: Synthetic) -> Msg:
    """The one new message of step 4: a Gen 2 reply to an existing message, written last."""
    target = synth.messages[-min(len(synth.messages), 37)]
    last = synth.messages[-1]
    t = (last.time + timedelta(minutes=3)).replace(microsecond=123000)
    agent = synth.agents[0] if target.agent != synth.agents[0] else synth.agents[-1]
    mention = f"@{target.agent} " if target.agent in synth.agents else ""
    body = (f"{mention}confirmed on a fresh job: your stack holds at 531.6 tok/s, ppl 2.4031. "
            "Re-run config in artifacts/bench-repro_" + agent + "/serve.py")
    msg = Msg(f"{_stamp_ms(t)}_{agent}", agent, "agent", t, body, [target.id + ".md"], 2)
    front = ["---", "type: agent", f"refs: {target.id}.md", f"agent: {agent}", f"timestamp: {_fmt_min(t)}",
             "via: raw", "---", ""]
    (synth.root / "message_board" / f"{msg.id}.md").write_text("\n".join(front) + "\n" + body + "\n",
                                                                encoding="utf-8")
    return msg


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


# ============================================================================ measured subprocesses

@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float
    exit_code: int
    log: str


def run_measured(cmd: list[str], cwd: Path, log_path: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion; wall time, CPU time and peak RSS of that child alone (wait4)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)   # -> MiB
    return Run(round(seconds, 3), round(rss, 1), round(usage.ru_utime + usage.ru_stime, 3),
               proc.returncode, str(log_path))


def run_repeated(times: int, prepare: Callable[[], None], cmd: list[str], cwd: Path, log_path: Path
                 ) -> tuple[Run, list[float]]:
    """`times` runs from the same fresh state: median wall and CPU time, highest peak RSS. Stops
    at the first failure."""
    runs: list[Run] = []
    for i in range(max(1, times)):
        prepare()
        run = run_measured(cmd, cwd, log_path if i == 0 else log_path.with_suffix(f".{i + 1}.log"))
        runs.append(run)
        if run.exit_code != 0:
            return run, [r.seconds for r in runs]
    best = Run(round(statistics.median(r.seconds for r in runs), 3), max(r.peak_rss_mb for r in runs),
               round(statistics.median(r.cpu_seconds for r in runs), 3), 0, runs[0].log)
    return best, [r.seconds for r in runs]


def tail(path: str, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.exists() else 0


def all_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def manifest_files(site: Path) -> dict[str, str]:
    try:
        return json.loads((site / "manifest.json").read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        return {}


# ============================================================================ collab-site

def collab_cmd(config: Path, site: Path, python: str = sys.executable, profile: Path | None = None
               ) -> list[str]:
    prof = ["-m", "cProfile", "-o", str(profile)] if profile else []
    return [python, *prof, "-m", "builder", "build", "--config", str(config), "--out", str(site)]


def fresh(out: Path, site: Path) -> None:
    """No site folder, no leftover swap folders, no render cache, no bucket mirror."""
    for path in (site, site.with_name(f".{site.name}.new"), site.with_name(f".{site.name}.old"),
                 out / ".cache"):
        shutil.rmtree(path, ignore_errors=True)


def section_counts(site: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in site.rglob("*.html"):
        rel = p.relative_to(site).parts
        key = rel[0] if len(rel) > 1 else "(top level)"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def bench_collab(out: Path, config: Path, synth: Synthetic, log: Callable[[str], None], repeat: int = 1
                 ) -> dict[str, Any]:
    site = out / "site"
    logs = out / "logs"
    log(f"collab-site: full build (fresh site folder, fresh render cache){f' x{repeat}' if repeat > 1 else ''} ...")
    full, samples = run_repeated(repeat, lambda: fresh(out, site), collab_cmd(config, site), REPO,
                                 logs / "collab-full.log")
    res: dict[str, Any] = {"command": " ".join(collab_cmd(config, site)),
                           "full_build": {**asdict(full), "samples_seconds": samples}}
    if full.exit_code != 0:
        res["error"] = f"full build exited {full.exit_code}:\n{tail(full.log)}"
        return res
    res["full_build"].update(html_pages=html_pages(site), files=all_files(site),
                             pages_by_section=section_counts(site),
                             home_page_bytes=(site / "index.html").stat().st_size
                             if (site / "index.html").exists() else None)
    log(f"  {full.seconds:.2f}s, peak RSS {full.peak_rss_mb:.0f} MiB, {res['full_build']['html_pages']} pages")

    log("collab-site: rebuild with nothing changed ...")
    again = run_measured(collab_cmd(config, site), REPO, logs / "collab-rebuild.log")
    res["rebuild"] = asdict(again)
    res["rebuild"]["ratio_to_full"] = round(again.seconds / full.seconds, 4) if full.seconds else None
    if again.exit_code != 0:
        res["error"] = f"no-change rebuild exited {again.exit_code}:\n{tail(again.log)}"
        return res
    log(f"  {again.seconds:.2f}s ({again.seconds / full.seconds:.1%} of the full build)")

    log("collab-site: one new message, rebuild ...")
    before = manifest_files(site)
    msg = new_message(synth)
    one = run_measured(collab_cmd(config, site), REPO, logs / "collab-one-message.log")
    after = manifest_files(site)
    changed = sorted(p for p in after if p in before and before[p] != after[p])
    added = sorted(p for p in after if p not in before)
    removed = sorted(p for p in before if p not in after)
    page = f"messages/{msg.id}/index.html"
    res["one_new_message"] = {
        **asdict(one), "message": f"message_board/{msg.id}.md", "refs": msg.refs,
        "changed_files": len(changed) + len(added) + len(removed),
        "changed": changed, "added": added, "removed": removed,
        "new_message_page": page, "includes_new_message_page": page in added or page in changed,
        "note": "manifest.json itself is not counted; the build clock is real (not SOURCE_DATE_EPOCH), "
                "as in the cron job, so pages that show the build time change too",
    }
    if one.exit_code != 0:
        res["error"] = f"one-message rebuild exited {one.exit_code}:\n{tail(one.log)}"
        return res
    log(f"  {one.seconds:.2f}s, {res['one_new_message']['changed_files']} files changed")
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
    run = run_measured(collab_cmd(config, site, profile=prof), REPO, out / "logs" / "collab-profile.log",
                       env={**os.environ, "COLLAB_WORKERS": "1"})
    shutil.rmtree(site, ignore_errors=True)
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


# ============================================================================ Hugo and Pelican

def _title(m: Msg) -> str:
    return f"{m.agent}: {m.type} {m.time:%Y-%m-%d %H:%M}"


HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article><h1>{{ .Title }}</h1><p>{{ .Params.agent }} · {{ .Date.Format "2006-01-02 15:04 UTC" }}</p>
{{ .Content }}</article><p><a href="{{ "posts/" | relURL }}">all messages</a></p></body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>
{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.agent }}
<p>{{ .Summary }}</p></li>
{{ end }}</ul>{{ template "_internal/pagination.html" . }}</body></html>
"""
HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "bench"
languageCode = "en"
paginate = 50
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
"""

PELICAN_CONF = """AUTHOR = "bench"
SITENAME = "bench"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 50
RELATIVE_URLS = True
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
"""


def write_hugo_site(root: Path, messages: list[Msg]) -> None:
    shutil.rmtree(root, ignore_errors=True)
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (root / "content" / "posts" / "_index.md").write_text("---\ntitle: Messages\n---\n", encoding="utf-8")
    for m in messages:
        front = (f"---\ntitle: {json.dumps(_title(m))}\ndate: {m.time:%Y-%m-%dT%H:%M:%SZ}\n"
                 f"agent: {m.agent}\nkind: {m.type}\n---\n\n")
        (posts / f"{m.id}.md").write_text(front + m.body + "\n", encoding="utf-8")


def write_pelican_site(root: Path, messages: list[Msg]) -> None:
    for sub in ("content", "output", "__pycache__"):
        shutil.rmtree(root / sub, ignore_errors=True)
    content = root / "content"
    content.mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for m in messages:
        meta = (f"Title: {_title(m)}\nDate: {m.time:%Y-%m-%d %H:%M}\nAuthor: {m.agent}\n"
                f"Category: {m.type}\nSlug: {m.id.lower()}\n\n")
        (content / f"{m.id}.md").write_text(meta + m.body + "\n", encoding="utf-8")


def find_hugo(install: bool, log: Callable[[str], None]) -> tuple[str | None, str]:
    hugo = shutil.which("hugo")
    if hugo:
        return hugo, ""
    if not install:
        return None, "hugo not installed: `apt-get install hugo` (or rerun with --install as root)"
    if os.geteuid() != 0:
        return None, "hugo not installed and not root: `sudo apt-get install hugo`"
    log("hugo: apt-get install -y hugo ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    ok = subprocess.run(["apt-get", "install", "-y", "hugo"], env=env, capture_output=True).returncode == 0
    if not ok:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True)
        ok = subprocess.run(["apt-get", "install", "-y", "hugo"], env=env, capture_output=True).returncode == 0
    hugo = shutil.which("hugo")
    return (hugo, "") if ok and hugo else (None, "`apt-get install -y hugo` failed")


def find_pelican(out: Path, install: bool, log: Callable[[str], None]) -> tuple[str | None, str]:
    venv = out / "pelican-venv"
    exe = venv / "bin" / "pelican"
    if exe.exists():
        return str(exe), ""
    if not install:
        return None, (f"pelican not installed: rerun with --install (creates {venv} with "
                      "`pip install pelican markdown`)")
    log(f"pelican: creating {venv} and `pip install pelican markdown` ...")
    base = getattr(sys, "_base_executable", None) or sys.executable
    r = subprocess.run([base, "-m", "venv", str(venv)], capture_output=True, text=True)
    if r.returncode == 0:
        r = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                            "pelican", "markdown"], capture_output=True, text=True)
    if r.returncode != 0 or not exe.exists():
        return None, f"could not install pelican into {venv}: {(r.stderr or r.stdout).strip()[-300:]}"
    return str(exe), ""


def version_of(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return ""


def bench_hugo(out: Path, messages: list[Msg], install: bool, log: Callable[[str], None], repeat: int = 1
               ) -> dict[str, Any]:
    hugo, why = find_hugo(install, log)
    if not hugo:
        return {"measured": False, "why": why}
    root = out / "hugo"
    write_hugo_site(root, messages)
    log(f"hugo: building {len(messages):,} pages ...")
    cmd = [hugo, "--quiet", "--cacheDir", str(root / ".hugo-cache")]

    def prepare() -> None:
        for sub in ("public", "resources", ".hugo-cache", ".hugo_build.lock"):
            shutil.rmtree(root / sub, ignore_errors=True)
    run, samples = run_repeated(repeat, prepare, cmd, root, out / "logs" / "hugo.log")
    res = {"measured": run.exit_code == 0, "version": version_of([hugo, "version"]),
           "command": "hugo --quiet", **asdict(run), "samples_seconds": samples, "html_pages": html_pages(root / "public"),
           "files": all_files(root / "public")}
    if run.exit_code != 0:
        res["why"] = f"hugo exited {run.exit_code}:\n{tail(run.log)}"
    else:
        log(f"  {run.seconds:.2f}s, {res['html_pages']} pages")
    return res


def bench_pelican(out: Path, messages: list[Msg], install: bool, log: Callable[[str], None], repeat: int = 1
                  ) -> dict[str, Any]:
    pelican, why = find_pelican(out, install, log)
    if not pelican:
        return {"measured": False, "why": why}
    root = out / "pelican"
    write_pelican_site(root, messages)
    log(f"pelican: building {len(messages):,} pages (this one is slow) ...")
    cmd = [pelican, "content", "-o", "output", "-s", "pelicanconf.py"]
    run, samples = run_repeated(repeat, lambda: shutil.rmtree(root / "output", ignore_errors=True),
                                cmd, root, out / "logs" / "pelican.log")
    res = {"measured": run.exit_code == 0, "version": version_of([pelican, "--version"]),
           "command": "pelican content -o output -s pelicanconf.py", **asdict(run), "samples_seconds": samples,
           "html_pages": html_pages(root / "output"), "files": all_files(root / "output")}
    if run.exit_code != 0:
        res["why"] = f"pelican exited {run.exit_code}:\n{tail(run.log)}"
    else:
        log(f"  {run.seconds:.2f}s, {res['html_pages']} pages")
    return res


# ============================================================================ browser

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


TABLE_WATCH = """(() => {
  let seen = false;
  const check = () => {
    if (seen) return true;
    const row = document.querySelector('#lb-best tbody tr');
    if (!row || row.getBoundingClientRect().height <= 0) return false;
    seen = true;
    window.__tableInDomAt = performance.now();
    // a frame, then a task: the frame that contains the table has been painted by then
    requestAnimationFrame(() => setTimeout(() => { window.__tablePaintedAt = performance.now(); }, 0));
    return true;
  };
  const obs = new MutationObserver(() => { if (check()) obs.disconnect(); });
  obs.observe(document, {childList: true, subtree: true});
})();"""


def bench_browser(site: Path, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"measured": False, "why": "playwright is not installed in this Python (make test installs it)"}
    chromium = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
    if chromium is None:
        try:
            from scripts.ensure_browser import find_chromium
            chromium = find_chromium()
        except Exception:
            chromium = None
    if chromium is None:
        return {"measured": False, "why": "no Chromium (run scripts/ensure_browser.py or set COLLAB_CHROMIUM)"}
    if not (site / "index.html").exists():
        return {"measured": False, "why": "no built home page"}
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    log(f"browser: time to the leaderboard table in Chromium ({runs} cold loads of {url}) ...")
    painted, in_dom, fcp, dcl, load = [], [], [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                for _ in range(runs + 1):                  # the first load warms the browser up
                    context = browser.new_context()
                    page = context.new_page()
                    page.add_init_script(TABLE_WATCH)
                    page.goto(url, wait_until="load", timeout=60_000)
                    page.wait_for_function("window.__tablePaintedAt !== undefined", timeout=60_000)
                    m = page.evaluate("""() => {
                        const nav = performance.getEntriesByType('navigation')[0] || {};
                        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                        return {painted: window.__tablePaintedAt, inDom: window.__tableInDomAt,
                                fcp: fcp ? fcp.startTime : null, dcl: nav.domContentLoadedEventEnd,
                                load: nav.loadEventEnd};
                    }""")
                    context.close()
                    # nothing is visible before the first contentful paint
                    painted.append(max(m["painted"], m["fcp"] or 0))
                    in_dom.append(m["inDom"])
                    fcp.append(m["fcp"])
                    dcl.append(m["dcl"])
                    load.append(m["load"])
            finally:
                browser.close()
    except Exception as exc:
        return {"measured": False, "why": f"browser run failed: {type(exc).__name__}: {exc}"}
    finally:
        server.shutdown()
        server.server_close()

    def med(xs):
        xs = [x for x in xs[1:] if x is not None]
        return round(statistics.median(xs), 1) if xs else None
    res = {"measured": True, "chromium": chromium, "runs": runs, "url": url,
           "table_painted_ms": med(painted), "table_in_dom_ms": med(in_dom),
           "first_contentful_paint_ms": med(fcp), "dom_content_loaded_ms": med(dcl), "load_ms": med(load),
           "note": "median over cold loads (fresh browser context each), local server, no network "
                   "latency; times are from navigation start"}
    log(f"  table painted after {res['table_painted_ms']} ms (median)")
    return res


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

    def print(self, value_width: int = 72) -> None:
        import textwrap
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
        if missed:
            print(f"MISSED {len(missed)} budget(s): {', '.join(missed)}")
        else:
            print("No measured budget was missed.")


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f} s"


def build_report(results: dict[str, Any]) -> Report:
    rep = Report()
    size = results["size"]
    gen = results["generate"]
    m = results["machine"]
    load = m.get("load_average_at_start")
    busy = bool(load and m.get("cpus") and load[0] > 0.5 * m["cpus"])
    rep.add("Machine", f"{m['cpus']} CPUs, Python {m['python']}, load average {load[0] if load else '?'} at start"
            + (" (busy machine: timings are noisy, consider --repeat 3)" if busy else "")
            + (f"; medians of {results['repeat']} full builds" if results.get("repeat", 1) > 1 else ""))
    rep.add("Synthetic bucket",
            f"{size['messages']:,} messages, {size['results']:,} results, {size['agents']} agents, "
            f"{size['traces']} traces ({gen['trace_logs']} with a JSONL log); {gen['files']:,} files, "
            f"{gen['bytes'] / 1e6:.1f} MB, written in {gen['seconds']:.1f} s")
    c = results.get("collab", {})
    full = c.get("full_build", {})
    if "seconds" in full:
        rep.add("collab-site full build", f"{fmt_s(full['seconds'])} wall, {full['cpu_seconds']:.2f} s CPU"
                + (f"; {full['html_pages']:,} HTML pages, {full['files']:,} files" if "html_pages" in full else ""))
        ok = full["exit_code"] == 0
        rep.check("peak memory", "  peak RSS (full build)", full["peak_rss_mb"], f"{full['peak_rss_mb']:.0f} MiB",
                  f"< {BUDGET_RSS_MB:.0f} MB", (full["peak_rss_mb"] < BUDGET_RSS_MB) if ok else None)
    reb = c.get("rebuild")
    if reb:
        ratio = reb.get("ratio_to_full")
        rep.check("no-change rebuild", "No-change rebuild", ratio,
                  f"{fmt_s(reb['seconds'])} = {ratio:.1%} of full" if ratio is not None else fmt_s(reb["seconds"]),
                  f"< {BUDGET_REBUILD_RATIO:.0%}", None if ratio is None else ratio < BUDGET_REBUILD_RATIO)
    one = c.get("one_new_message")
    if one:
        n = one["changed_files"]
        rep.check("one new message", "One new message: files changed", n,
                  f"{n} ({len(one['changed'])} changed, {len(one['added'])} added, {len(one['removed'])} removed)"
                  f", rebuilt in {fmt_s(one['seconds'])}",
                  f"<= ~{BUDGET_CHANGED_FILES}", n <= BUDGET_CHANGED_FILES)
    if c.get("error"):
        rep.add("collab-site build FAILED", c["error"].splitlines()[0], "", "ERROR")

    cmp_ = results.get("comparison", {})
    hugo, pel = cmp_.get("hugo", {}), cmp_.get("pelican", {})
    ours = full.get("seconds") if full.get("exit_code") == 0 else None
    if hugo.get("measured"):
        rep.add("Hugo (same messages as pages)", f"{fmt_s(hugo['seconds'])} wall, {hugo['cpu_seconds']:.2f} s CPU, "
                f"{hugo['html_pages']:,} HTML pages, "
                f"peak RSS {hugo['peak_rss_mb']:.0f} MiB ({hugo.get('version', '')[:40]})")
    r = cmp_.get("collab_over_hugo")
    rep.check("vs Hugo", "collab-site full build / Hugo", r,
              (f"{r:.2f}x wall ({cmp_['collab_over_hugo_cpu']:.2f}x in CPU time)" if cmp_.get("collab_over_hugo_cpu") else f"{r:.2f}x wall") if r is not None
              else (hugo.get("why", "not measured").splitlines()[0] if not hugo.get("measured") else "—"),
              f"<= {BUDGET_VS_HUGO:.0f}x", None if r is None else r <= BUDGET_VS_HUGO)
    if pel.get("measured"):
        rep.add("Pelican (same messages as pages)", f"{fmt_s(pel['seconds'])} wall, {pel['cpu_seconds']:.2f} s CPU, "
                f"{pel['html_pages']:,} HTML pages, "
                f"peak RSS {pel['peak_rss_mb']:.0f} MiB ({pel.get('version', '')[:40]})")
    r = cmp_.get("pelican_over_collab")
    rep.check("vs Pelican", "Pelican / collab-site full build", r,
              f"{r:.2f}x" if r is not None else (pel.get("why", "not measured").splitlines()[0] if not pel.get("measured") else "—"),
              f">= {BUDGET_VS_PELICAN:.0f}x", None if r is None else r >= BUDGET_VS_PELICAN)
    if ours is not None and (hugo.get("measured") or pel.get("measured")):
        sections = ", ".join(f"{k} {v:,}" for k, v in full.get("pages_by_section", {}).items())
        rep.add("  page counts", f"collab-site {full.get('html_pages', 0):,} HTML pages ({sections}; messages "
                "include per-message pages and archives by page/agent/type; the home page holds the "
                "leaderboard tables and chart SVG) + data files; Hugo "
                f"{hugo.get('html_pages', '—')} and Pelican {pel.get('html_pages', '—')}: one page per "
                "message + paginated lists (Pelican adds author/category pages)")

    bench_hub.add_rows(rep, results.get("hub"))

    ref = results["reference_dashboard"]
    rep.check("home page vs reference dashboard", "Home page table vs reference dashboard", None,
              "not measured", ">= 10x sooner", None)
    rep.add("  why", ref["why"])
    br = results.get("browser", {})
    if br.get("measured"):
        rep.add("Our home page in Chromium (local)",
                f"table painted {br['table_painted_ms']} ms, FCP {br['first_contentful_paint_ms']} ms, "
                f"load {br['load_ms']} ms; index.html {full.get('home_page_bytes', 0) / 1024:.0f} KiB")
    else:
        rep.add("Our home page in Chromium (local)", br.get("why", "skipped"), "", "NOT MEASURED")
    return rep


# ============================================================================ main

def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="1,000 messages, 200 results, 20 agents, 5 traces")
    for key in FULL:
        p.add_argument(f"--{key}", type=int, default=None, help=f"default {FULL[key]:,} ({QUICK[key]:,} with --quick)")
    p.add_argument("--out", default=str(REPO / "bench-out"), help="work folder (default: bench-out/)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--install", action="store_true",
                   help="apt-get install hugo when missing (root only); create <out>/pelican-venv with pelican")
    p.add_argument("--skip-hugo", action="store_true")
    p.add_argument("--skip-pelican", action="store_true")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--skip-hub", action="store_true", help="leave out the end-to-end run through a fake Hub")
    p.add_argument("--browser-runs", type=int, default=5)
    p.add_argument("--repeat", type=int, default=1,
                   help="full builds of collab-site, Hugo and Pelican N times each and report the median "
                        "(use 3+ on a busy machine)")
    p.add_argument("--profile", action="store_true", help="also run one full build under cProfile")
    args = p.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for key in FULL:
        if getattr(args, key) is None:
            setattr(args, key, preset[key])
        if getattr(args, key) < (1 if key in ("messages", "agents") else 0):
            p.error(f"--{key} is too small")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)

    size = {k: getattr(args, k) for k in FULL}
    log(f"bench: generating the synthetic collaboration in {out / 'bucket'} ...")
    synth = Generator(out / "bucket", args.seed).generate(**size)
    config = write_bench_config(out)
    messages_as_pages = list(synth.messages)           # before the new message of step 4
    results: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_at_start": load_average()},
        "repeat": args.repeat,
        "size": size, "seed": args.seed, "out": str(out), "config": str(config),
        "generate": {"files": synth.files, "bytes": synth.bytes, "seconds": round(synth.seconds, 2),
                     "trace_logs": synth.trace_logs},
    }

    collab = bench_collab(out, config, synth, log, args.repeat)
    results["collab"] = collab
    full = collab.get("full_build", {})
    ours = full.get("seconds") if full.get("exit_code") == 0 else None

    comparison: dict[str, Any] = {"messages_as_pages": len(messages_as_pages)}
    comparison["hugo"] = ({"measured": False, "why": "skipped (--skip-hugo)"} if args.skip_hugo
                          else bench_hugo(out, messages_as_pages, args.install, log, args.repeat))
    comparison["pelican"] = ({"measured": False, "why": "skipped (--skip-pelican)"} if args.skip_pelican
                             else bench_pelican(out, messages_as_pages, args.install, log, args.repeat))
    h, pe = comparison["hugo"], comparison["pelican"]
    comparison["collab_over_hugo"] = (round(ours / h["seconds"], 3)
                                      if ours and h.get("measured") and h["seconds"] > 0 else None)
    comparison["collab_over_hugo_cpu"] = (round(full["cpu_seconds"] / h["cpu_seconds"], 3)
                                          if ours and h.get("measured") and h["cpu_seconds"] > 0 else None)
    comparison["pelican_over_collab"] = (round(pe["seconds"] / ours, 3)
                                         if ours and pe.get("measured") else None)
    comparison["page_counts"] = {"collab-site": full.get("html_pages"), "hugo": h.get("html_pages"),
                                 "pelican": pe.get("html_pages")}
    results["comparison"] = comparison

    results["reference_dashboard"] = {
        "measured": False,
        "why": "the reference dashboard (huggingface/agent-collabs) is a FastAPI Space whose page fetches "
               "every message through its server from the Hub with an HF token; it cannot run offline here",
    }
    results["browser"] = ({"measured": False, "why": "skipped (--skip-browser)"} if args.skip_browser
                          else bench_browser(out / "site", args.browser_runs, log))
    one = collab.get("one_new_message")
    if not args.skip_hub and one and one.get("exit_code") == 0:
        results["hub"] = bench_hub.bench_hub(out, out / "bucket", one["message"], config, log, toml_dumps)
    if args.profile and ours is not None:
        results["profile"] = profile_collab(out, config, log)

    report = build_report(results)
    results["budgets"] = report.budgets
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report.print()
    one = collab.get("one_new_message")
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
    if collab.get("error"):
        print(f"\ncollab-site build failed: {collab['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
