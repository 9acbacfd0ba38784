"""The ``nelm`` command: a thin skin over the library (CONTRACT §1).

Errors are handled once, here: a NelmError prints its one-line message and exits non-zero;
library code only raises.
"""
from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import NelmError, OutputLockedError

log = logging.getLogger("pipeline.cli")

EXIT_OK, EXIT_ERROR, EXIT_LOCKED, EXIT_USAGE = 0, 1, 3, 2


def _setup_logging(verbose: bool) -> None:
    os.environ.setdefault("LOGURU_LEVEL", "WARNING")
    # Prefect's own INFO lines (server start, each task state) would bury the progress bar.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """Yields on_shard(result, total): a rich bar on a terminal, plain periodic lines otherwise."""
    state = {"done": 0, "reports": 0, "t0": time.perf_counter(), "last": 0.0}
    if enabled and sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        progress = Progress(TextColumn("extracting shards"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]} reports/s"), TimeRemainingColumn(), transient=False)
        bar = {"id": None}

        def on_shard(result: Any, total: int) -> None:
            if bar["id"] is None:
                bar["id"] = progress.add_task("shards", total=total, rate="-")
            state["reports"] += result.n_records
            rate = state["reports"] / max(time.perf_counter() - state["t0"], 1e-6)
            progress.update(bar["id"], advance=1, rate=f"{rate:,.0f}")

        with progress:
            yield on_shard
        return

    def on_shard_plain(result: Any, total: int) -> None:
        state["done"] += 1
        state["reports"] += result.n_records
        now = time.perf_counter()
        if enabled and (now - state["last"] > 5 or state["done"] == total):
            state["last"] = now
            elapsed = now - state["t0"]
            rate = state["reports"] / max(elapsed, 1e-6)
            eta = (total - state["done"]) * elapsed / max(state["done"], 1)
            print(f"progress: {state['done']}/{total} shards, {state['reports']} reports, "
                  f"{rate:,.0f} reports/s, eta {eta:,.0f}s", file=sys.stderr, flush=True)

    yield on_shard_plain


def cmd_run(args: argparse.Namespace) -> int:
    from .preflight import check_input, output_lock

    check_input(Path(args.input))  # fail fast, before a Prefect server and workers are started
    with output_lock(args.out):  # likewise
        pass
    from flows import prefect_env

    prefect_env.start_shared_server_in_background()  # boots while Prefect and the NLP load here
    from .config import load_config

    load_config(args.config)  # a bad --config fails here, in one line, not as a failed flow run
    workers = args.workers or os.cpu_count() or 1
    early = None
    if args.runner == "local" and workers > 1:  # worker processes: start and warm them while the server boots
        from flows.worker_pool import start_early_workers

        early = start_early_workers(workers, args.config)
    from flows.nelm_run import run_flow

    started = time.perf_counter()
    with _progress(not args.quiet) as on_shard:  # the flow itself locks --out
        summary = run_flow(args.input, args.out, args.config, workers=workers, runner=args.runner,
                           dask_address=args.dask_address, on_shard=on_shard, early_workers=early)
    summary.seconds = round(time.perf_counter() - started, 3)
    _print_summary(summary)
    return EXIT_OK


def _print_summary(summary: Any) -> None:
    print(f"nelm run {summary.run_id}: {summary.records} reports read, {summary.ok} ok, "
          f"{summary.quarantined} quarantined, {summary.duplicates} exact duplicates skipped; "
          f"{summary.extracted} extracted, {summary.reused_shards} shards reused; {summary.patients} patients "
          f"({summary.seconds:.1f}s)")
    if summary.phases:
        print("  steps: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in summary.phases.items()))
    for therapy in sorted(summary.eligibility):
        counts = summary.eligibility[therapy]
        parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("eligible", "indeterminate", "ineligible"))
        print(f"  {therapy:<14} {parts}")
    print(f"tables written to {summary.out_dir}")


def cmd_extract(args: argparse.Namespace) -> int:
    from .config import load_config
    from .extract import extract_record
    from .ingest import RawRecord, Validator, decode_bytes
    from .nlp import build_nlp

    if (args.text is None) == (args.file is None):
        raise NelmError("[U001] give either --text TEXT or a FILE")
    if args.text is not None:
        text, report_id = args.text, "text"
    else:
        path = Path(args.file)
        try:
            text = decode_bytes(path.read_bytes())
        except (OSError, UnicodeDecodeError) as exc:
            raise NelmError(f"[U002] cannot read {path}: {type(exc).__name__}") from exc
        report_id = path.name
    config = load_config(args.config)
    record = Validator(config).validate(RawRecord({"report_id": report_id, "text": text, "report_type": args.type}, "<cli>"))
    assert record is not None
    out: dict[str, Any] = {"report_id": record.report_id, "report_type": record.report_type,
                           "report_type_source": record.report_type_source}
    if not record.ok:
        out.update(status="quarantined", error=record.error, mentions=[], summary=None)
    else:
        result = extract_record(build_nlp(config), record)
        out.update(status="ok", table=result.table, mentions=result.mentions, summary=result.row)
    print(json.dumps(out, indent=2, default=str, ensure_ascii=False))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_run, format_scores

    scores = evaluate_run(args.gold, args.out)
    print(format_scores(scores))
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=2, default=str))
    return EXIT_OK


def cmd_decide(args: argparse.Namespace) -> int:
    from .decide_cli import decide_file

    path = decide_file(args.features, args.out, args.config, args.rules)
    print(f"eligibility written to {path}")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain_patient_text, write_html

    print(explain_patient_text(args.out, args.patient_id, args.config, archive=args.archive))
    if args.html:
        path = write_html(args.out, args.patient_id, args.html, args.config, archive=args.archive)
        print(f"HTML written to {path}")
    return EXIT_OK


def cmd_cohort(args: argparse.Namespace) -> int:
    from .cohort import export_cohort

    path, n = export_cohort(args.out, args.where, args.format, args.to)
    print(f"{n} patients written to {path}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import serve

    serve(args.input, args.out, cron=args.cron, config_path=args.config, name=args.name,
          workers=args.workers or os.cpu_count() or 1)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nelm", description="NET liver metastasis report extraction and eligibility flags")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details (ids and counts only)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="the main job: archive -> six Parquet tables (one Prefect flow run)",
                       description="Example: nelm run fixtures/sample_archive --out out/")
    p.add_argument("input", help="archive file (.jsonl/.ndjson/.csv/.parquet) or folder")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--config", help="YAML overriding configs/nelm.yaml")
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: all cores)")
    p.add_argument("--runner", choices=["local", "dask"], default="local")
    p.add_argument("--dask-address", help="scheduler address of an existing Dask cluster")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("extract", help="one report -> JSON (mentions + summary row)",
                       description='Example: nelm extract --text "2.3 cm lesion in segment 7" --type CT')
    p.add_argument("file", nargs="?", help="a text file holding one report")
    p.add_argument("--text", help="the report text")
    p.add_argument("--type", help="CT|MRI|PET|PATHOLOGY (inferred when absent)")
    p.add_argument("--config")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", help="score a finished run against gold annotations",
                       description="Example: nelm eval --gold fixtures/imaging/gold.jsonl --out out/")
    p.add_argument("--gold", required=True)
    p.add_argument("--out", required=True, help="output folder of a finished run")
    p.add_argument("--json", help="also write the scores as JSON here")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("decide", help="decision module alone over patients-shaped rows",
                       description="Example: nelm decide features.csv --out decided/")
    p.add_argument("features", help="JSONL, CSV or Parquet rows shaped like the patients table")
    p.add_argument("--out", required=True)
    p.add_argument("--config")
    p.add_argument("--rules", help="decision rules YAML (default: the config's ruleset)")
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser("explain", help="why each eligibility status was given",
                       description="Example: nelm explain SA01 --out out/ --html SA01.html")
    p.add_argument("patient_id")
    p.add_argument("--out", required=True, help="output folder of a finished run")
    p.add_argument("--html", help="write a self-contained evidence page here")
    p.add_argument("--archive", help="the run's input archive, for the report text (default: the input recorded in DIR/.nelm/run.json)")
    p.add_argument("--config")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("cohort", help="registry cohort export: one wide row per patient",
                       description="Example: nelm cohort --out out/ --where \"resection == 'eligible' and ki67_percent < 20\"")
    p.add_argument("--out", required=True, help="output folder of a finished run")
    p.add_argument("--where", default="", help="filter expression over patients columns and therapy statuses")
    p.add_argument("--format", choices=["csv", "parquet"], default="csv")
    p.add_argument("--to", help="file to write (default: DIR/cohort.csv or .parquet)")
    p.set_defaults(func=cmd_cohort)

    p = sub.add_parser("serve", help="serve the flow as a scheduled Prefect deployment (needs a Prefect server)",
                       description='Example: nelm serve --cron "0 2 * * *" /data/reports --out /data/nelm')
    p.add_argument("input")
    p.add_argument("--out", required=True)
    p.add_argument("--cron", required=True)
    p.add_argument("--config")
    p.add_argument("--name", default="nelm-nightly")
    p.add_argument("--workers", type=int, default=None,
                   help="worker processes per flow run (default: all cores; 1 = the flow run's own process)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return int(args.func(args) or 0)
    except OutputLockedError as exc:
        print(f"nelm: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except NelmError as exc:
        print(f"nelm: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("nelm: interrupted; run again to resume", file=sys.stderr)
        return 130
    except Exception as exc:  # anything else: one line, no traceback (tracebacks can quote data)
        print(f"nelm: {args.command} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
              " (run with -v for details; finished shards are kept, run again to resume)", file=sys.stderr)
        if args.verbose:
            raise
        return EXIT_ERROR


def entry() -> None:
    """The ``nelm`` command (and ``python -m pipeline.cli``): :func:`main`, then exit with its code
    without the interpreter's teardown (:mod:`pipeline.fast_exit`; registered first, so every other
    exit handler still runs)."""
    from .fast_exit import exit_without_teardown

    code = [1]  # an exception escaping main() prints its traceback and exits 1, as Python would
    atexit.register(lambda: exit_without_teardown(code[0]))
    try:
        code[0] = main()
    except SystemExit as exc:  # argparse's --help and usage errors
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code[0] = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except KeyboardInterrupt:
        code[0] = 130
        raise
    sys.exit(code[0])


if __name__ == "__main__":
    entry()
