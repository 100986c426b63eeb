"""collab-site init|build|serve|check|publish: argument parsing only; each verb calls one function.
Its exit codes are EXIT_CODES, which its help tells users."""
from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import Sequence

from builder import __version__
from builder.config import Config, ConfigError, load_config
from builder.parallel import collect_garbage_less_often, return_large_blocks

DEFAULT_CONFIG = Path("collab.toml")
ABOUT = ("Build a static website of an agent collaboration from its Hugging Face bucket "
         "(leaderboard and chart, messages, agents, traces, search, feeds) and publish it to a "
         "static Space.")
SERVE_ABOUT = ("Builds the site, serves it on 127.0.0.1 under the path of [site] base_url (other "
               "addresses get its 404 page), and rebuilds when collab.toml, the theme_dir or a "
               "bucket folder change; a bucket on the Hub is read once.")
PUBLISH_ABOUT = ("Sends what changed in the site folder to a static Space, with the token in "
                 "HF_TOKEN, in commits of at most [publish] max_commit_files files and "
                 "max_commit_mb MB. Refuses, unless --force, a site whose ranked entries or "
                 "messages fell by more than half from what is live, and a Space collab-site did "
                 "not publish.")
EXIT_CODES = ("exit codes: 0 ok, 1 build problems under --strict, a failed check or publish, or "
              "an init that would overwrite a file or cannot write; 2 usage or configuration "
              "error")


def run() -> None:
    """The command as a process of its own (`collab-site`, `python -m builder`): `main`, then
    exit without the interpreter looking over every object still alive for garbage in cycles
    (25 ms of a 1.4 s cron run at 10,000 messages; nothing is left to collect by then)."""
    status = main()
    gc.freeze()
    sys.exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    return_large_blocks()
    collect_garbage_less_often()
    if args.command == "init":
        return _run_init(args)
    try:
        config = _config(args)
    except ConfigError as exc:
        for error in exc.errors:
            print(f"config error: {error}", file=sys.stderr)
        return 2
    if args.command in ("build", "serve") and _config_path(args) is None and not args.source:
        print(f"no {DEFAULT_CONFIG} here: building with the defaults, from the bucket folder "
              f"{config.source.location!r} (`collab-site init` writes one; --config names "
              "another)", file=sys.stderr)
    return args.run(config, args)


def _run_init(args) -> int:
    from builder import scaffold
    answers = scaffold.Answers(bucket=args.bucket or "", space=args.space or "",
                               metric=args.metric or "", direction=args.direction or "",
                               demo=args.demo)
    errors = scaffold.answer_errors(answers)
    for error in errors:
        print(f"init: {error}", file=sys.stderr)
    if errors:
        return 2
    root = Path(args.dir)
    try:
        action, pin_note = scaffold.action_reference()
        scaffold.write_files(root, scaffold.planned_files(answers, action), force=args.force)
    except scaffold.InitError as exc:
        print(f"init: {exc}", file=sys.stderr)
        return 1
    print(scaffold.next_steps(root, answers, pin_note))
    return 0


def _run_build(config: Config, args) -> int:
    import jinja2

    from builder.build import build, problem_line
    from builder.model import PROBLEM, at_level
    from builder.render import failure_line
    from builder.write import OutputRefused
    try:
        report = build(config, Path(args.out))
    except jinja2.TemplateError as exc:          # a theme's template: the site is left as it was
        print(f"template error: {failure_line(exc)}", file=sys.stderr)
        return 2
    except OutputRefused as exc:                 # files no build wrote there: nothing is written
        print(f"build: {exc}", file=sys.stderr)
        return 2
    if args.summary:
        from builder.summary import append, build_markdown
        append(Path(args.summary), build_markdown(report))
    failing = at_level(report.problems, PROBLEM)         # notes never fail --strict
    if args.strict and failing:
        if not report.pages:          # nothing was built: the problems were not printed
            for problem in failing:
                print(problem_line(problem), file=sys.stderr)
        print(f"--strict: {len(failing)} problem(s) in the input", file=sys.stderr)
        return 1
    return 0


def _run_serve(config: Config, args) -> int:
    from builder.serve import serve
    from builder.write import OutputRefused
    try:
        return serve(config, Path(args.out), port=args.port, config_file=_config_path(args),
                     reload=lambda: _config(args), log_requests=args.log_requests)
    except OutputRefused as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2


def _run_check(config: Config, args) -> int:
    from builder.check import base_to_check, check_site, sitemap_note
    from builder.urls import base_path
    base, note = base_to_check(Path(args.out), base_path(config.site.base_url))
    for line in (note, sitemap_note(Path(args.out), base)):
        if line:
            print(f"check: {line}")
    findings = check_site(Path(args.out), base=base)
    for finding in findings:
        print(f"check: {finding}")
    print(f"check: {len(findings)} finding(s) in {args.out}")
    return 1 if findings else 0


def _run_publish(config: Config, args) -> int:
    from builder.publish import PublishError, checked_space_id, publish
    from builder.publish_plan import CommitLimits
    space = args.space or config.publish.space_id
    if not space:
        print("publish: no Space given (--space ORG/NAME, SPACE_ID or [publish] space_id)", file=sys.stderr)
        return 2
    try:
        space = checked_space_id(space)
    except PublishError as exc:
        print(f"publish: {exc} (--space, SPACE_ID or [publish] space_id)", file=sys.stderr)
        return 2
    from builder.summary import append, publish_markdown
    try:
        outcome = publish(Path(args.out), space, token=os.environ.get("HF_TOKEN") or None,
                          dry_run=args.dry_run, force=args.force,
                          limits=CommitLimits(config.publish.max_commit_files,
                                              config.publish.max_commit_mb * 1_000_000),
                          rate_limit_wait=config.hub.rate_limit_wait)
    except PublishError as exc:
        print(f"publish failed: {exc}", file=sys.stderr)
        if args.summary:
            append(Path(args.summary), publish_markdown(space, None, str(exc), exc.landed))
        return 1
    if args.summary:
        append(Path(args.summary), publish_markdown(space, outcome))
    if outcome.refused_reason:        # a dry run has said it would refuse, in its plan
        if not args.dry_run:
            print(f"publish refused: {outcome.refused_reason}", file=sys.stderr)
        return 1
    return 0


def _config(args) -> Config:
    overrides = {"source.location": getattr(args, "source", None)}
    return load_config(_config_path(args), overrides=overrides)


def _config_path(args) -> Path | None:
    return Path(args.config) if args.config else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535; 0: any free one)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="collab-site", description=ABOUT, epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"collab-site {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def summary(p):
        p.add_argument("--summary", metavar="FILE",
                       help="append a markdown summary to FILE (a CI job summary: $GITHUB_STEP_SUMMARY)")

    def common(p, with_source: bool = True):
        p.add_argument("--config", help="collab.toml to use (default: ./collab.toml if present)")
        p.add_argument("--out", default="site", help="site folder (default: site)")
        if with_source:
            p.add_argument("--source", help="bucket folder (a relative one: from the current "
                                            "folder) or hf://buckets/ORG/NAME (in place of "
                                            "[source] location and COLLAB_SOURCE)")

    p = sub.add_parser("init", help="write collab.toml and a GitHub workflow that publishes the site")
    p.add_argument("dir", nargs="?", default=".", help="where to write them (default: here)")
    p.add_argument("--bucket",
                   help="ORG/NAME (or hf://buckets/ORG/NAME) of the collaboration's bucket")
    p.add_argument("--space", help="ORG/NAME of the static Space to publish to")
    p.add_argument("--metric", help="the results' score field (default: score)")
    p.add_argument("--direction", choices=("higher", "lower"), help="which scores are better")
    p.add_argument("--demo", action="store_true",
                   help="also write a demo bucket (demo-bucket/) to build at once")
    p.add_argument("--force", action="store_true", help="overwrite files that exist")

    p = sub.add_parser("build", help="build the site")
    common(p)
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when an input file had a problem (notes do not count)")
    summary(p)
    p.set_defaults(run=_run_build)

    p = sub.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change",
                       description=SERVE_ABOUT)
    common(p)
    p.add_argument("--port", type=_port, default=8000,
                   help="port on 127.0.0.1 (default: 8000; 0: any free one)")
    p.add_argument("--log-requests", action="store_true",
                   help="print a line per request (address, method, path, status) on stderr")
    p.set_defaults(run=_run_serve)

    from builder.check import WHAT_IS_CHECKED
    p = sub.add_parser("check", help="check a built site: links, HTML basics, feeds, JSON, budgets",
                       description=WHAT_IS_CHECKED,
                       epilog="exit codes: 0 no finding, 1 findings, 2 usage or configuration error")
    common(p, with_source=False)
    p.set_defaults(run=_run_check)

    p = sub.add_parser("publish", help="push the built site to a static Space",
                       description=PUBLISH_ABOUT)
    common(p, with_source=False)
    p.add_argument("--space",
                   help="ORG/NAME of the Space (default: SPACE_ID, else [publish] space_id)")
    p.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    p.add_argument("--force", action="store_true",
                   help="publish even if entries dropped by half, or to a Space collab-site did "
                        "not publish (another sdk, or files and no manifest.json)")
    summary(p)
    p.set_defaults(run=_run_publish)
    return parser
