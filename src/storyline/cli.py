"""Command line: ``storyline summarize FILES... [--words N] [--format md|text|json|html] [-o OUT] [--compare]``,
``storyline compare FILES... [--format md|text|json|html] [-o OUT]``,
``storyline batch IN.jsonl -o OUT.jsonl [--words N] [--sentences N] [--workers K] [--engine local|ray]
[--address ADDR] [--resume] [--compare]``, and the story database:
``storyline ingest --db PATH INPUT... [--engine local|ray] [--address ADDR] [--workers K]``,
``storyline stories --db PATH [--format text|json]``, ``storyline story --db PATH ID [--format ...]`` and
``storyline serve --db PATH [--host H] [--port P]``.

A thin layer: parse arguments, read inputs, call the pipeline, render, map errors to
messages and exit codes. Exit codes: 0 ok, 1 some inputs skipped (batch: some records failed), 2 usage
error, 3 nothing usable.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storyline import __version__
from storyline.config import BACKENDS, CLUSTERINGS, PRECISIONS, Config, load_config
from storyline.errors import ConfigError, InputError, ModelLoadError, StorylineError
from storyline.limits import MAX_PAGE_BYTES
from storyline.types import Article, Comparison, Problem, Summary

__all__ = ["EXIT_NOTHING_USABLE", "EXIT_OK", "EXIT_SKIPPED", "EXIT_USAGE", "main"]

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_NOTHING_USABLE = 0, 1, 2, 3
log = logging.getLogger("storyline")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"storyline: error: {message}\n")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{value}'") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {number}")
    return number


def _port(value: str) -> int:
    number = _positive(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from storyline.batch import CHUNK
    from storyline.render import FORMATS
    from storyline.sources.read import FORMAT_NAMES

    inputs_help = f"{FORMAT_NAMES} files, directories, web page URLs (http/https), or - for stdin"

    parser = _Parser(prog="storyline", description="Turn many news articles about one event into one cited summary.")
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    summarize = commands.add_parser("summarize", help="summarize articles about one event")
    summarize.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    summarize.add_argument("--format", "-f", choices=list(FORMATS), default="md", help="output format (default md)")
    summarize.add_argument("--output", "-o", type=Path, default=None, help="write here instead of standard output")

    batch = commands.add_parser(
        "batch",
        help="summarize many clusters: JSON Lines in, one JSON line out per cluster",
        description='Summarize every record {"id", "documents"} of a JSON Lines file into one JSON line '
        'each, in input order. A record that fails gives {"id", "line", "error"} and the others go on.',
    )
    batch.add_argument("input", metavar="IN.jsonl", help="JSON Lines file of clusters, or - for stdin")
    batch.add_argument("--output", "-o", type=Path, required=True, metavar="OUT.jsonl", help="JSON Lines to write")
    batch.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="workers, each loading the models once (default: 1 locally, one per CPU of the Ray cluster)",
    )
    batch.add_argument(
        "--resume", action="store_true", help="skip the ids already in OUT and append the rest (after a killed run)"
    )
    batch.add_argument(
        "--chunk",
        type=_positive,
        default=CHUNK,
        metavar="N",
        help=f"records summarized together, one encoder pass (default {CHUNK}); the output does not depend on it",
    )

    compare = commands.add_parser(
        "compare",
        help="compare how the sources report one event",
        description="What the sources agree on, what only one reports, where they contradict each other, "
        "whom they quote and when things happened, each item citing the source spans.",
    )
    compare.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    compare.add_argument("--format", "-f", choices=list(FORMATS), default="md", help="output format (default md)")
    compare.add_argument("--output", "-o", type=Path, default=None, help="write here instead of standard output")

    ingest = commands.add_parser(
        "ingest",
        help="store articles in a story database, each joining the story it belongs to",
        description="Store articles in a SQLite story database (created when missing). Exact duplicates are "
        "skipped, copies of one wire story marked, and every article joins a story or starts one. "
        "Ingesting the same input again changes nothing.",
    )
    ingest.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    ingest.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="with --engine ray: actors cleaning and describing articles (default: one per CPU of the cluster)",
    )
    for sub, local in ((batch, "worker processes on this machine"), (ingest, "in this process")):
        sub.add_argument(
            "--engine",
            choices=("local", "ray"),
            default="local",
            help=f"local: {local} (default); ray: on Ray actors (pip install 'storyline[ray]')",
        )
        sub.add_argument(
            "--address", default=None, help="with --engine ray: the Ray cluster to join (default: start a local one)"
        )
    watch = commands.add_parser(
        "watch",
        help="follow news feeds: their new articles go into a story database, round after round",
        description="Poll RSS, Atom and JSON feeds every --every minutes (or --once) and ingest their new "
        "entries' pages into the story database as ingest does. The feeds are remembered in the database, "
        "and every round polls all those it follows (FEED and --feeds add to them; so do POST /feeds of "
        "storyline serve on the same database). Each round prints one line.",
    )
    watch.add_argument("feeds", nargs="*", metavar="FEED", help="feed URLs (http/https)")
    watch.add_argument(
        "--feeds", dest="feed_file", type=Path, default=None, metavar="FILE", help="a file of feed URLs, one a line"
    )
    watch.add_argument(
        "--every", type=float, default=15.0, metavar="MINUTES", help="minutes between polls of a feed (default 15)"
    )
    watch.add_argument("--once", action="store_true", help="one round, then stop")
    stories = commands.add_parser("stories", help="list the stories of a story database, newest first")
    stories.add_argument(
        "--format", "-f", choices=["text", "json"], default="text", help="output format (default text)"
    )
    story = commands.add_parser("story", help="a story's summary and how its sources compare")
    story.add_argument("id", type=_positive, metavar="ID", help="the story id (see storyline stories)")
    story.add_argument("--format", "-f", choices=list(FORMATS), default="md", help="output format (default md)")
    story.add_argument("--output", "-o", type=Path, default=None, help="write here instead of standard output")
    serve = commands.add_parser("serve", help="the web API and pages over a story database")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; any other needs --token)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--token",
        default=None,
        help="writes (POST) need 'Authorization: Bearer TOKEN' (default: $STORYLINE_TOKEN); "
        "required to listen on an address other than loopback",
    )
    for sub in (summarize, compare, ingest, serve, watch):
        _fetch_arguments(sub)
    for sub in (ingest, stories, story, serve, watch):
        sub.add_argument("--db", type=Path, required=True, metavar="PATH", help="the story database (SQLite file)")
    for sub in (ingest, serve):
        sub.add_argument(
            "--clustering",
            choices=CLUSTERINGS,
            default=None,
            help="how articles are grouped into stories (default closest.v2: a fixed threshold on the closest "
            "member's score; link.v1: a learned link, stories looked at again after each batch)",
        )

    for sub in (summarize, batch):
        sub.add_argument("--words", type=_positive, default=None, help="word budget (default 250)")
        sub.add_argument("--sentences", type=_positive, default=None, help="at most this many sentences")
        sub.add_argument(
            "--fill",
            action="store_true",
            help="let one last sentence run past --words, so the first N words hold no gap (evaluations that cut at N)",
        )
        sub.add_argument("--compare", action="store_true", help='also compare the sources (JSON: under "comparison")')
    for sub in (summarize, compare):
        sub.add_argument(
            "--all-differences",
            action="store_true",
            help="list every candidate contradiction with its confidence, not only those the judge is sure of",
        )
    for sub in (summarize, batch, compare, ingest, stories, story, serve, watch):
        sub.add_argument("--config", type=Path, default=None, help="a TOML file of settings (see Config)")
        sub.add_argument(
            "--max-chars", type=_positive, default=None, help="cut longer articles to this many characters"
        )
        sub.add_argument("--no-clean", action="store_true", help="the texts are already clean: skip clutter removal")
        sub.add_argument("--spacy-model", default=None, help="spaCy pipeline name or path")
        sub.add_argument("--embedding-model", default=None, help="sentence-transformers model name or path")
        sub.add_argument(
            "--embedding-precision",
            choices=PRECISIONS,
            default=None,
            help="encoder weights' number format (default auto: float32 on onnxruntime; on torch, bfloat16 on a CPU "
            "with bfloat16 instructions)",
        )
        sub.add_argument(
            "--embedding-backend",
            choices=BACKENDS,
            default=None,
            help="what runs the encoder (default auto: onnxruntime where the model can be exported, else torch)",
        )
        sub.add_argument("-v", "--verbose", action="count", default=0, help="more log messages (-vv: debug)")
        sub.add_argument("-q", "--quiet", action="store_true", help="only errors")
    return parser


class _StatusLine:
    """One line on standard error, when it is a terminal, saying what Storyline waits for (the
    models loading: seconds, before anything else shows). It is erased when the wait ends, and
    before any log line, which would otherwise be printed after it on the same line."""

    shown = False

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()

    def __call__(self, message: str | None) -> None:
        """Show ``message`` (None: erase the line)."""
        if not self.enabled:
            return
        if message is None:
            self.erase()
        else:
            sys.stderr.write(f"\r\x1b[Kstoryline: {message} ...")
            sys.stderr.flush()
            _StatusLine.shown = True

    @staticmethod
    def erase() -> None:
        """Erase the line, if one is shown."""
        if _StatusLine.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            _StatusLine.shown = False


class _LogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Log lines on standard error, after erasing a status line."""

    def emit(self, record: logging.LogRecord) -> None:
        _StatusLine.erase()
        super().emit(record)


def _fetch_arguments(sub: argparse.ArgumentParser) -> None:
    """The options of fetching web pages (sources.fetch)."""
    sub.add_argument(
        "--allow-private",
        action="store_true",
        help="let URLs reach private, loopback and link-local addresses (your own network); refused by default",
    )
    sub.add_argument(
        "--max-page-mb",
        type=float,
        default=MAX_PAGE_BYTES / 1e6,
        metavar="MB",
        help=f"refuse web pages larger than this (default {MAX_PAGE_BYTES / 1e6:g})",
    )


def _check_fetch_options(args: argparse.Namespace) -> None:
    if args.max_page_mb <= 0:
        raise ConfigError(f"--max-page-mb must be more than 0, got {args.max_page_mb:g}")


def _fetch_settings(args: argparse.Namespace) -> Any:
    """The FetchSettings of the command's options."""
    _check_fetch_options(args)
    from storyline.sources.fetch import FetchSettings

    return FetchSettings(allow_private=args.allow_private, max_bytes=int(args.max_page_mb * 1e6))


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = _LogHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("storyline: %(message)s"))
    root = logging.getLogger("storyline")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _report(problems: Sequence[Problem], quiet: bool) -> None:
    """One line per problem on stderr (the library logged them too, but only at -v)."""
    if quiet:
        return
    for problem in problems:
        prefix = "skipped" if problem.skipped else "note"
        print(f"storyline: {prefix}: {problem.message}", file=sys.stderr)


def _config(args: argparse.Namespace) -> Config:
    base = load_config(args.config) if args.config else Config.from_env()
    changes = {
        "words": getattr(args, "words", None),
        "sentences": getattr(args, "sentences", None),
        "fill": True if getattr(args, "fill", False) else None,
        "compare": True if getattr(args, "compare", False) else None,
        "all_differences": True if getattr(args, "all_differences", False) else None,
        "max_chars": args.max_chars,
        "spacy_model": args.spacy_model,
        "embedding_model": args.embedding_model,
        "embedding_precision": args.embedding_precision,
        "embedding_backend": args.embedding_backend,
        "clean": False if args.no_clean else None,
        "clustering": getattr(args, "clustering", None),
    }
    return base.replace(**{key: value for key, value in changes.items() if value is not None})


def _write(output: str, path: Path | None) -> bool:
    """Write the rendered output to ``path`` (standard output when None); False, said, if it cannot."""
    if path is None:
        sys.stdout.write(output)
        return True
    try:
        path.write_text(output, encoding="utf-8")
    except OSError as error:
        print(f"storyline: error: cannot write {path} ({error.strerror}); check the path", file=sys.stderr)
        return False
    return True


def _read_inputs(args: argparse.Namespace, problems: list[Problem]) -> list[Article]:
    """Read every input, skipping bad ones into ``problems``; when none is readable, say so."""
    from storyline.records import is_url
    from storyline.sources.read import read

    with contextlib.ExitStack() as stack:
        fetcher = None
        if any(isinstance(path, str) and is_url(path) for path in args.inputs):
            from storyline.sources.fetch import Fetcher  # the HTTP client only when a page is fetched

            fetcher = stack.enter_context(Fetcher(_fetch_settings(args)))
        else:
            _check_fetch_options(args)  # a bad option is an error even when nothing is fetched
        articles = read(args.inputs, on_error="skip", problems=problems, fetcher=fetcher)
    if not articles:
        _report(problems, args.quiet)
        print("storyline: error: no readable input; see the messages above", file=sys.stderr)
    return articles


def _summarize(args: argparse.Namespace) -> int:
    from storyline.pipeline import Pipeline
    from storyline.render import render

    config = _config(args)
    problems: list[Problem] = []
    articles = _read_inputs(args, problems)
    if not articles:
        return EXIT_NOTHING_USABLE
    pipeline = Pipeline(config, status=_StatusLine(args.quiet))
    result: Summary | Comparison
    try:
        if args.command == "compare":
            result = pipeline.compare(articles, on_error="skip", problems=problems)
        else:
            result = pipeline.summarize(articles, on_error="skip", problems=problems)
    except InputError as error:
        _report(problems, args.quiet)
        print(f"storyline: error: {error}", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    _report(problems, args.quiet)
    output = render(result, args.format)
    if not _write(output, args.output):
        return EXIT_USAGE
    notes = result.notes if isinstance(result, Summary) else ()
    if notes and not args.quiet:
        for note in notes:
            print(f"storyline: note: {note}", file=sys.stderr)
    return EXIT_SKIPPED if any(problem.skipped for problem in problems) else EXIT_OK


def _batch(args: argparse.Namespace) -> int:
    from storyline.batch import RecordResult, run_batch

    source = Path(args.input)
    if args.input != "-":
        if not source.is_file():
            reason = "is a directory" if source.is_dir() else "no such file"
            print(f"storyline: error: {source}: {reason}; give a JSON Lines file of clusters", file=sys.stderr)
            return EXIT_USAGE
        if args.output.exists() and args.output.samefile(source):
            print(f"storyline: error: {args.output} is the input too; write to another file", file=sys.stderr)
            return EXIT_USAGE
    bar = _progress_bar(None if args.input == "-" else source, args.quiet)

    def say(message: str) -> None:
        if bar is not None:
            bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def progress(result: RecordResult) -> None:
        if result.error and not args.quiet:
            say(f"storyline: failed: {result.error}")
        elif result.status == "ok" and args.verbose:
            for problem in result.problems:
                prefix = "skipped" if problem.skipped else "note"
                say(f"storyline: {prefix}: record '{result.id}': {problem.message}")
        if bar is not None:
            bar.update(1)

    config = _config(args)
    try:
        with contextlib.ExitStack() as stack:
            records = sys.stdin.buffer if args.input == "-" else stack.enter_context(source.open("rb"))
            if bar is not None:
                stack.callback(bar.close)
            counts = run_batch(
                records,
                args.output,
                config=config,
                workers=args.workers,
                resume=args.resume,
                progress=progress,
                chunksize=args.chunk,
                engine=args.engine,
                address=args.address,
            )
    except InputError as error:  # only the output file of --resume: records never raise
        print(f"storyline: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(
            f"storyline: error: {error.filename or args.output}: {error.strerror or error}; check the path",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not args.quiet:
        skipped = (
            f'; {counts.documents_skipped} document(s) skipped (see "problems")' if counts.documents_skipped else ""
        )
        done = f", {counts.done} already done" if args.resume else ""
        print(
            f"storyline: {args.output}: {counts.ok} summarized, {counts.failed} failed{done}{skipped}", file=sys.stderr
        )
    if counts.failed and not counts.ok:
        print(f"storyline: error: no record could be summarized; see the errors in {args.output}", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    return EXIT_SKIPPED if counts.failed else EXIT_OK


def _open_store(args: argparse.Namespace, *, create: bool) -> Any:
    """The story database named by --db, or a one-line message and None."""
    from storyline.stories.db import Store, StoreError

    if not create and not args.db.is_file():
        print(f"storyline: error: {args.db}: no such story database; create it with storyline ingest", file=sys.stderr)
        return None
    if args.db.is_dir():
        print(f"storyline: error: {args.db} is a directory; give a file path for --db", file=sys.stderr)
        return None
    try:
        return Store(args.db)
    except StoreError as error:
        print(f"storyline: error: {error}", file=sys.stderr)
        return None


def _ingest(args: argparse.Namespace) -> int:
    from storyline.pipeline import Pipeline
    from storyline.runners import check_engine
    from storyline.stories import ingest
    from storyline.stories.db import remove_store

    if not args.db.parent.is_dir():
        print(f"storyline: error: {args.db.parent}: no such directory for --db; create it first", file=sys.stderr)
        return EXIT_USAGE
    check_engine(args.engine, workers=args.workers, address=args.address, pool=False)  # before reading anything
    problems: list[Problem] = []
    articles = _read_inputs(args, problems)
    if not articles:
        return EXIT_NOTHING_USABLE
    existed = args.db.exists()
    store = _open_store(args, create=True)
    if store is None:
        return EXIT_USAGE
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(articles), unit="article", desc="ingest", file=sys.stderr, dynamic_ncols=True)
    try:
        with store:
            try:
                counts = ingest(
                    store,
                    Pipeline(_config(args)),
                    articles,
                    problems=problems,
                    progress=bar.update if bar else None,
                    engine=args.engine,
                    address=args.address,
                    workers=args.workers,
                )
            finally:
                if bar is not None:
                    bar.close()
            stories_total = len(store.stories())
    except ConfigError:
        # Nothing was stored (the engine could not start): leave no empty database behind.
        if not existed:
            remove_store(args.db)
        raise
    _report(problems, args.quiet)
    if not args.quiet:
        print(
            f"storyline: {args.db}: {counts.added} added ({counts.near_duplicates} near-duplicates, "
            f"{counts.new_stories} new stories), {counts.duplicates} duplicates, {counts.unchanged} already stored, "
            f"{counts.skipped} skipped; {stories_total} stories",
            file=sys.stderr,
        )
    if counts.skipped and not (counts.added or counts.duplicates or counts.unchanged):
        print("storyline: error: no usable article; see the messages above", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    return EXIT_SKIPPED if any(problem.skipped for problem in problems) else EXIT_OK


def _stories(args: argparse.Namespace) -> int:
    import json

    from storyline.stories import story_listing

    store = _open_store(args, create=False)
    if store is None:
        return EXIT_USAGE
    with store:
        rows = store.stories()
    if args.format == "json":
        listing = [story_listing(row) for row in rows]
        sys.stdout.write(json.dumps(listing, ensure_ascii=False, indent=2) + "\n")
    else:
        for row in rows:
            outlets = ", ".join(row.sources[:4]) + (f" +{len(row.sources) - 4}" if len(row.sources) > 4 else "")
            sys.stdout.write(
                f"{row.id}\t{row.last_seen[:10]}\t{len(row.articles)} articles\t{row.title}\t({outlets})\n"
            )
    return EXIT_OK


def _story(args: argparse.Namespace) -> int:
    from storyline.pipeline import Pipeline
    from storyline.render import render
    from storyline.stories import summarize_story

    store = _open_store(args, create=False)
    if store is None:
        return EXIT_USAGE
    with store:
        story_id = args.id
        target = store.merged_into(story_id) if store.story(story_id) is None else None
        if target is not None:
            # A story merged into another by the second look after a batch: its id still leads there.
            print(
                f"storyline: story {story_id} was merged into story {target}; showing story {target}", file=sys.stderr
            )
            story_id = target
        try:
            summary = summarize_story(store, Pipeline(_config(args), status=_StatusLine(args.quiet)), story_id)
        except InputError as error:
            print(f"storyline: error: story {story_id}: {error}", file=sys.stderr)
            return EXIT_NOTHING_USABLE
    if summary is None:
        print(f"storyline: error: {args.db}: no story {args.id}; see storyline stories --db {args.db}", file=sys.stderr)
        return EXIT_USAGE
    output = render(summary, args.format)
    if not _write(output, args.output):
        return EXIT_USAGE
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from storyline.api import create_app

    token = args.token or os.environ.get("STORYLINE_TOKEN") or None
    loopback = _is_loopback(args.host)
    if not loopback and token is None:
        print(
            f"storyline: error: --host {args.host} lets other machines in; give --token (or STORYLINE_TOKEN) "
            "so that only holders of it can add articles, or serve on 127.0.0.1",
            file=sys.stderr,
        )
        return EXIT_USAGE
    store = _open_store(args, create=True)
    if store is None:
        return EXIT_USAGE
    if not loopback:
        print(
            f"storyline: warning: serving {args.db} on {args.host}:{args.port}: every story, article text and "
            "summary is readable by anyone who can reach this address; writes need the token. "
            "Put it behind a TLS proxy: the token travels in clear otherwise",
            file=sys.stderr,
        )
    app = create_app(store, config=_config(args), token=token, fetch=_fetch_settings(args))
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if not args.verbose else "info")
    finally:
        store.close()
    return EXIT_OK


def _is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _watch(args: argparse.Namespace) -> int:
    import time
    from datetime import timedelta

    from storyline.pipeline import Pipeline
    from storyline.records import is_url
    from storyline.sources.feeds import Polite
    from storyline.sources.fetch import Fetcher
    from storyline.stories.feeds import FeedState
    from storyline.stories.watch import due

    given = list(args.feeds)
    if args.feed_file is not None:
        try:
            lines = args.feed_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            print(
                f"storyline: error: {args.feed_file}: cannot read ({error}); give a text file of feed URLs",
                file=sys.stderr,
            )
            return EXIT_USAGE
        given += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    wrong = [url for url in given if not is_url(url)]
    if wrong:
        print(f"storyline: error: {wrong[0]}: not a feed URL; give http(s) addresses", file=sys.stderr)
        return EXIT_USAGE
    if args.every <= 0:
        print(f"storyline: error: --every must be more than 0 minutes, got {args.every:g}", file=sys.stderr)
        return EXIT_USAGE
    if not args.db.parent.is_dir():
        print(f"storyline: error: {args.db.parent}: no such directory for --db; create it first", file=sys.stderr)
        return EXIT_USAGE
    store = _open_store(args, create=True)
    if store is None:
        return EXIT_USAGE
    every = timedelta(minutes=args.every)
    with store, FeedState(store) as state, Fetcher(_fetch_settings(args)) as fetcher:
        state.add(given)
        if not state.feeds():
            print(f"storyline: error: {args.db} follows no feeds yet; give FEED URLs or --feeds FILE", file=sys.stderr)
            return EXIT_USAGE
        pipeline = Pipeline(_config(args))
        polite = Polite(fetcher)
        number = 0
        while True:
            # Read again every round: feeds added (POST /feeds) or removed over HTTP meanwhile count.
            feeds = [row.url for row in state.feeds()]
            chosen = feeds if args.once else due(state, feeds)
            if chosen:
                number += 1
                report = _watch_round(args, store, state, pipeline, polite, chosen, every)
                if not args.quiet:
                    print(f"storyline: {report.line(number)}", file=sys.stderr)
                if args.once:
                    if report.failed_feeds == len(chosen):
                        return EXIT_NOTHING_USABLE
                    return EXIT_SKIPPED if report.failed_feeds or report.failed_entries else EXIT_OK
            elif args.once:  # every feed was removed (DELETE /feeds) since the start
                print(f"storyline: error: {args.db} follows no feeds any more", file=sys.stderr)
                return EXIT_NOTHING_USABLE
            time.sleep(min(60.0, every.total_seconds()))


def _watch_round(
    args: argparse.Namespace, store: Any, state: Any, pipeline: Any, polite: Any, feeds: list[str], every: Any
) -> Any:
    """One round of watch, with a progress bar over the new entries on a terminal and one line per failure."""
    from storyline.stories.watch import watch_round

    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="article", desc="watch", file=sys.stderr, dynamic_ncols=True)

    def total(count: int) -> None:
        if bar is not None:
            bar.total = count
            bar.refresh()

    try:
        report = watch_round(
            store, state, pipeline, polite, feeds, every=every, progress=bar.update if bar else None, total=total
        )
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        for message in report.messages:
            print(f"storyline: skipped: {message}", file=sys.stderr)
    return report


def _progress_bar(source: Path | None, quiet: bool) -> Any:
    """A tqdm bar on stderr when it is a terminal (counted lines give it a total), else None."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    total = None
    if source is not None:
        from storyline.limits import LineTooLong, bounded_lines

        with source.open("rb") as handle:  # a line at a time, none held longer than the limit
            total = sum(1 for line in bounded_lines(handle) if isinstance(line, LineTooLong) or line.strip())
    return tqdm(total=total, unit="record", desc="batch", file=sys.stderr, dynamic_ncols=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    try:
        if args.command in ("summarize", "compare"):
            return _summarize(args)
        if args.command == "batch":
            return _batch(args)
        commands = {"ingest": _ingest, "stories": _stories, "story": _story, "serve": _serve, "watch": _watch}
        if args.command in commands:
            return commands[args.command](args)
    except ConfigError as error:
        print(f"storyline: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ModelLoadError as error:
        print(f"storyline: error: {error}", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    except StorylineError as error:
        print(f"storyline: error: {error}", file=sys.stderr)
        return EXIT_NOTHING_USABLE
    except KeyboardInterrupt:
        print("storyline: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
