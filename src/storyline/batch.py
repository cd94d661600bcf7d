"""Summarize many clusters: JSON Lines in, one JSON line out per cluster, in input order.

An input record is ``{"id": str, "documents": [str | {"text", "id"?, "source"?, "title"?,
"published"?, "url"?}]}``; a document given as a plain string gets the id ``d1``, ``d2``, ...
by its position. Every output line is either the ``--format json`` object of the summary
(:func:`storyline.codec.summary_to_dict`) with ``"id"`` first and a ``"problems"`` list
(documents skipped or changed, see :class:`~storyline.types.Problem`), or, for a record
that cannot be summarized, ``{"id": str | null, "line": int, "error": str}``: ``id`` is
null when the record has no usable id, and ``line`` is its line number in the input.

A thin wrapper like ``cli.py``: it parses records, calls :class:`~storyline.pipeline.Pipeline`
and maps errors to records; a bad record never stops the others. Chunks of records are
summarized by a runner (storyline.runners): in this process, in a spawned pool of ``workers``
processes, or with ``engine="ray"`` on Ray actors (on the cluster at ``address`` or on a local one
started for the run), one Pipeline (and one set of loaded models) per worker. The results are
written in input order, one flushed line at a time, so ``resume=True`` can carry on after a
killed run. Parsing, ordering, error records and resume are the same code for every engine, so
the output is the same.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, TypeVar, cast

from storyline.codec import summary_to_dict
from storyline.config import Config
from storyline.errors import ConfigError, InputError, ModelLoadError
from storyline.limits import MAX_INPUT_BYTES, LineTooLong, bounded_lines, load_json
from storyline.pipeline import Pipeline
from storyline.records import article_from_record, kind, label, problem_to_dict, unique_ids
from storyline.runners import Engine, make_runner
from storyline.types import Article, Problem, Summary

__all__ = ["CHUNK", "CHUNK_CHARS", "BatchCounts", "RecordResult", "chunked", "read_done", "run_batch"]

log = logging.getLogger(__name__)

#: Records summarized together by default (``run_batch(chunksize=...)``, ``storyline batch --chunk``):
#: on 150 Multi-News test clusters in one process, chunks of 16 took 0.61 of the time of one
#: record at a time in the encoder; bigger chunks gained little more and hold more in memory.
CHUNK = 16
#: A chunk is also closed once its documents hold this many characters: two DUC 2004 clusters
#: (full newswire stories) fill one, so a few long clusters still spread over the workers, and
#: their hundreds of sentences fill the encoder's batches without help.
CHUNK_CHARS = 50_000

Status = Literal["ok", "failed", "done"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What happened to one input record (given to the ``progress`` callback).

    ``status`` is "ok" (summarized), "failed" (an error record was written) or "done" (its
    id was already in the output file, so it was skipped by ``resume``; nothing written).
    """

    line: int  # line number (position) of the record in the input, from 1
    id: str | None  # None when the record has no usable id
    status: Status
    error: str | None = None  # one line naming the record and what to do
    problems: tuple[Problem, ...] = ()  # documents skipped or changed inside the record
    output: str | None = field(default=None, repr=False)  # the JSON line written (no newline)


@dataclass(frozen=True, slots=True)
class BatchCounts:
    """Totals of one batch run."""

    ok: int = 0
    failed: int = 0
    done: int = 0  # records skipped because their id was already in the output (resume)
    documents_skipped: int = 0  # unusable documents inside records that were summarized

    @property
    def written(self) -> int:
        """Lines written by this run."""
        return self.ok + self.failed


@dataclass(frozen=True, slots=True)
class _Task:
    """One record on its way to a worker: its documents, or its already-known result."""

    line: int
    id: str | None
    documents: tuple[Article, ...] = ()
    problems: tuple[Problem, ...] = ()
    result: RecordResult | None = None  # set when no summarizing is needed (bad record, resumed)


def run_batch(
    records: Iterable[str | bytes | Mapping[str, Any]],
    out_path: str | Path,
    *,
    config: Config | None = None,
    workers: int | None = None,
    resume: bool = False,
    progress: Callable[[RecordResult], object] | None = None,
    chunksize: int = CHUNK,
    engine: Engine = "local",
    address: str | None = None,
) -> BatchCounts:
    """Summarize every record and write one JSON line per record to ``out_path``, in input order.

    With ``workers > 1`` the worker processes are spawned: they import the main module, so a
    script calls this under ``if __name__ == "__main__":``.

    Args:
        records: JSON lines (str or UTF-8 bytes, e.g. an open binary file) or already parsed
            records; numbered from 1 for messages. Blank lines are skipped (they are still
            counted, so numbers match the file's lines). An open file is read a line at a time:
            a line over ``MAX_INPUT_BYTES`` is one failed record, skipped without being held.
        out_path: the JSON Lines file to write (replaced, unless ``resume``).
        config: pipeline settings, including the word and sentence budget (default: from the
            environment).
        workers: with the local engine, 1 (the default) summarizes in this process and more
            start that many worker processes, each loading the models once; with Ray, the
            number of actors (default: one per CPU of the cluster).
        resume: keep ``out_path``, skip the records whose id is already in it (and id-less
            failures at the same line number), and append the others. A cut-off last line
            left by a killed run is removed first.
        progress: called with a :class:`RecordResult` for every record, in input order.
        chunksize: records summarized together (one spaCy stream and one encoder call, see
            ``Pipeline.summarize_many``) and sent to a worker (or Ray actor) at a time. Each
            record's output is the same whatever the chunk; bigger chunks encode faster, while
            a chunk's lines are written only when all of it is done.
        engine: "local" (worker processes on this machine) or "ray" (Ray actors).
        address: with ``engine="ray"``, the Ray cluster to join (``"auto"``, ``"HOST:PORT"``,
            ``"ray://HOST:PORT"``); None starts a local one for the run.

    Returns:
        How many records were summarized, failed, and skipped as already done.

    Raises:
        ConfigError: ``workers`` or ``chunksize`` below 1, an unknown engine, an ``address``
            without Ray, or Ray asked for but not installed or its cluster not reachable.
        InputError: with ``resume``, ``out_path`` holds lines that are not batch output.
        ModelLoadError: the models cannot be loaded (nothing more is summarized).
        OSError: ``out_path`` cannot be written.
    """
    if chunksize < 1:
        raise ConfigError(f"chunksize must be at least 1, got {chunksize}")
    runner = make_runner(engine, Pipeline(config or Config.from_env()), workers=workers, address=address)
    done_ids, done_lines = read_done(out_path) if resume else (set(), set())
    ok = failed = done = skipped = 0
    # An open file is read a line at a time, none longer than the limit held in memory.
    lines = bounded_lines(cast("IO[bytes]", records)) if isinstance(records, io.IOBase) else records
    chunks = _chunks(_tasks(lines, done_ids, done_lines), chunksize)
    outcomes = runner.map(_summarize_chunk, chunks, in_place=_known_results, label="batch")
    with open(out_path, "a" if resume else "w", encoding="utf-8", newline="\n") as out, closing(outcomes):
        for result in (result for chunk in outcomes for result in chunk):
            if result.output is not None:
                out.write(result.output + "\n")
                out.flush()  # a killed run leaves whole lines only (bar the last), for resume
            if result.status == "ok":
                ok += 1
                skipped += sum(problem.skipped for problem in result.problems)
            elif result.status == "failed":
                failed += 1
                log.info("%s", result.error)
            else:
                done += 1
            if progress is not None:
                progress(result)
    log.info("batch: %d summarized, %d failed, %d already done", ok, failed, done)
    return BatchCounts(ok=ok, failed=failed, done=done, documents_skipped=skipped)


def read_done(out_path: str | Path) -> tuple[set[str], set[int]]:
    """The ids already in a batch output file, and the line numbers of its id-less failures.

    The file is read a line at a time (it holds every article text). A last line without its
    newline is, when it is a whole record, ended with one; when it is cut off (a run killed
    while writing it), it is removed, so new lines can be appended cleanly. A missing file
    holds nothing; a file that is not batch output is left as it is.

    Raises:
        InputError: a line is not a batch output record.
        OSError: the file cannot be read or changed.
    """
    path = Path(out_path)
    ids: set[str] = set()
    lines: set[int] = set()
    complete = 0  # bytes in whole lines
    tail = b""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(bounded_lines(handle), start=1):
                if isinstance(raw, LineTooLong):  # no line this module writes is so long
                    raise InputError(
                        f"{path}:{number}: not a batch output line ({raw.size:,} bytes, over the limit of "
                        f"{raw.limit:,}); give the output of an earlier batch run, or leave out --resume to "
                        "replace the file",
                        input=f"{path}:{number}",
                    )
                if not raw.endswith(b"\n"):
                    tail = raw
                    break
                _add_done(_output_record(raw, path, number), ids, lines)
                complete += len(raw)
    except FileNotFoundError:
        return ids, lines
    if tail:
        try:
            record = _output_record(tail, path, number)
        except InputError:
            # Every line this module writes starts so; anything else is not a cut-off record.
            if not tail.startswith(b'{"id": '):
                raise
            log.info("%s: removing a cut-off last line left by an interrupted run", path)
            os.truncate(path, complete)
        else:
            _add_done(record, ids, lines)
            with path.open("ab") as handle:
                handle.write(b"\n")
    return ids, lines


def _output_record(raw: bytes, path: Path, number: int) -> dict[str, Any] | None:
    """One line of a batch output file (None when blank).

    Raises:
        InputError: the line is not a batch output record.
    """
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        reason = f"not JSON: {error}"
    else:
        if isinstance(record, dict) and "id" in record:
            return record
        reason = "no 'id'"
    raise InputError(
        f"{path}:{number}: not a batch output line ({reason}); give the output of an earlier batch run, "
        "or leave out --resume to replace the file",
        input=f"{path}:{number}",
    )


def _add_done(record: dict[str, Any] | None, ids: set[str], lines: set[int]) -> None:
    if record is None:
        return
    if isinstance(record["id"], str):
        ids.add(record["id"])
    elif isinstance(record.get("line"), int):
        lines.add(record["line"])


def _tasks(
    records: Iterable[str | bytes | Mapping[str, Any] | LineTooLong],
    done_ids: set[str],
    done_lines: set[int],
) -> Iterator[_Task]:
    """Parse and check every record; bad and already-done ones carry their result with them."""
    first_line: dict[str, int] = {}
    for line, item in enumerate(records, start=1):
        if isinstance(item, (str, bytes)) and not item.strip():
            continue
        task = _task(item, line, first_line)
        if (task.id is not None and task.id in done_ids) or (task.id is None and line in done_lines):
            task = _Task(line, task.id, result=RecordResult(line, task.id, "done"))
        yield task


def _task(item: str | bytes | Mapping[str, Any] | LineTooLong, line: int, first_line: dict[str, int]) -> _Task:
    """Turn one input record into a task (or a failure naming the record and the fix)."""
    where = f"line {line}"
    if isinstance(item, LineTooLong):
        return _rejected(line, None, item.message(where))
    record: Any = item
    if isinstance(item, bytes):
        try:
            item = item.decode("utf-8")
        except UnicodeDecodeError as error:
            return _rejected(line, None, f"{where}: not UTF-8 text (byte {error.start}); re-save the input as UTF-8")
    if isinstance(item, str):
        if len(item) > MAX_INPUT_BYTES:
            return _rejected(
                line, None, f"{where}: {len(item):,} characters is over the limit of {MAX_INPUT_BYTES:,}; split it"
            )
        try:
            record = load_json(item.removeprefix("\ufeff") if line == 1 else item, where=where)
        except InputError as error:
            return _rejected(line, None, str(error))
        except json.JSONDecodeError as error:
            return _rejected(line, None, f"{where}: not valid JSON ({error.msg}); fix or remove this line")
    if not isinstance(record, Mapping):
        return _rejected(
            line, None, f"{where}: expected an object with 'id' and 'documents', got {kind(record)}; fix this line"
        )
    identifier = record.get("id")
    if not isinstance(identifier, str) or not identifier.strip():
        found = "record has no 'id'" if identifier is None else f"'id' is {kind(identifier, empty=True)}"
        return _rejected(line, None, f"{where}: {found}; give the record a unique, non-empty string id")
    where = f"record '{identifier}' (line {line})"
    if identifier in first_line:
        return _rejected(
            line,
            identifier,
            f"{where}: the id is already used on line {first_line[identifier]}; give each record its own id",
        )
    first_line[identifier] = line
    documents = record.get("documents")
    if not isinstance(documents, list) or not documents:
        found = "record has no 'documents'" if documents is None else f"'documents' is {kind(documents, empty=True)}"
        return _rejected(line, identifier, f"{where}: {found}; give a non-empty list of article texts")
    usable, problems = _documents(documents)
    if not usable:
        return _rejected(line, identifier, f"{where}: no usable document ({_reasons(problems)})", problems)
    return _Task(line, identifier, tuple(usable), tuple(problems))


def _documents(items: list[Any]) -> tuple[list[Article], list[Problem]]:
    """A record's documents as Articles with unique ids (``d<position>`` when none is given)."""
    usable: list[Article] = []
    problems: list[Problem] = []
    for position, item in enumerate(items, start=1):
        default = f"d{position}"
        try:
            usable.append(article_from_record(item, where=label(item, default), default_id=default))
        except InputError as error:
            problems.append(Problem(error.input, "read", str(error)))
    unique, notes = unique_ids(usable)
    return unique, problems + notes


def _summarize(pipeline: Pipeline, task: _Task) -> RecordResult:
    """Summarize one record's documents; an unusable record becomes a failure, not an exception.

    Raises:
        ModelLoadError: the models cannot be loaded (every record would fail the same way).
    """
    return _summarize_chunk(pipeline, [task])[0]


def _summarize_chunk(pipeline: Pipeline, tasks: Sequence[_Task]) -> list[RecordResult]:
    """Summarize a chunk of records together (``Pipeline.summarize_many``); one result per task, in order.

    Tasks that carry their result already (bad or resumed records) keep it. Should the stages
    the records share fail (something in one record that spaCy or the encoder cannot take), the
    chunk is done again one record at a time, so only that record fails.

    Raises:
        ModelLoadError: the models cannot be loaded (every record would fail the same way).
    """
    todo = [task for task in tasks if task.result is None]
    problems = [list(task.problems) for task in todo]
    try:
        outcomes = (
            pipeline.summarize_many([task.documents for task in todo], on_error="skip", problems=problems)
            if todo
            else []
        )
    except ModelLoadError:
        raise
    except Exception as error:  # a bug hit by one record must not end a long batch; the record names it
        if len(todo) > 1:
            log.debug("a chunk of %d records failed together; one at a time", len(todo), exc_info=True)
            made = iter([_summarize(pipeline, task) for task in todo])
            return [task.result if task.result is not None else next(made) for task in tasks]
        outcomes = [error]
    results = iter(
        [_record_result(task, outcome, found) for task, outcome, found in zip(todo, outcomes, problems, strict=True)]
    )
    return [task.result if task.result is not None else next(results) for task in tasks]


def _record_result(task: _Task, outcome: Summary | Exception, problems: list[Problem]) -> RecordResult:
    """The output line of one record: its summary, or a failure naming the record and what to do."""
    where = f"record '{task.id}' (line {task.line})"
    if isinstance(outcome, InputError):
        if not any(problem.skipped for problem in problems):
            return _failure(task.line, task.id, f"{where}: {outcome}", problems)
        return _failure(task.line, task.id, f"{where}: no usable document ({_reasons(problems)})", problems)
    if isinstance(outcome, Exception):
        log.debug("%s: unexpected error", where, exc_info=outcome)
        message = f"{where}: internal error ({type(outcome).__name__}: {outcome}); please report it with this record"
        return _failure(task.line, task.id, _one_line(message), problems)
    output = {
        "id": task.id,
        **summary_to_dict(outcome),
        "problems": [problem_to_dict(problem) for problem in problems],
    }
    text = json.dumps(output, ensure_ascii=False)
    log.debug("%s: %d sentences", where, len(outcome.sentences))
    return RecordResult(task.line, task.id, "ok", problems=tuple(problems), output=text)


def _rejected(line: int, identifier: str | None, message: str, problems: Iterable[Problem] = ()) -> _Task:
    """A task that needs no worker: the record failed before summarizing."""
    return _Task(line, identifier, result=_failure(line, identifier, message, problems))


def _failure(line: int, identifier: str | None, message: str, problems: Iterable[Problem] = ()) -> RecordResult:
    message = _one_line(message)
    output = json.dumps({"id": identifier, "line": line, "error": message}, ensure_ascii=False)
    return RecordResult(line, identifier, "failed", error=message, problems=tuple(problems), output=output)


def _reasons(problems: Iterable[Problem]) -> str:
    return "; ".join(problem.message for problem in problems if problem.skipped) or "no documents"


def _one_line(message: str) -> str:
    return " ".join(message.split())


def chunked(items: Iterable[T], size: int, chars: int, length: Callable[[T], int]) -> Iterator[list[T]]:
    """Consecutive runs of ``items``: at most ``size`` each, closed once their ``length`` reaches ``chars``."""
    batch: list[T] = []
    total = 0
    for item in items:
        batch.append(item)
        total += length(item)
        if len(batch) >= size or total >= chars:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _chunks(tasks: Iterable[_Task], size: int) -> Iterator[list[_Task]]:
    return chunked(tasks, size, CHUNK_CHARS, _task_chars)


def _task_chars(task: _Task) -> int:
    return sum(len(document.text) for document in task.documents)


def _known_results(batch: list[_Task]) -> list[RecordResult] | None:
    """The results of a batch of bad or resumed records only (no actor needed), else None."""
    if all(task.result is not None for task in batch):
        return [task.result for task in batch if task.result is not None]
    return None
