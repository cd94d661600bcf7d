"""The summarization data sets: Multi-News (val, test), LongBench multi_news and DUC 2004 task 2.

Each is a :class:`DatasetSpec` (its files under ../shared/data, its word budget and how it is
scored) and a loader that reads its clusters (source documents and human references). Third-party
data: read from ../shared/data, never copied into the repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import read_jsonl

__all__ = [
    "DATASETS",
    "LOADERS",
    "Cluster",
    "DataMissing",
    "DatasetSpec",
    "data_paths",
    "gate_ids",
    "load_duc2004",
    "load_longbench",
    "load_multinews",
    "load_published",
    "read_id_list",
    "select_clusters",
]


@dataclass(frozen=True)
class Cluster:
    """One multi-document cluster: source articles and human reference summaries."""

    id: str
    documents: tuple[str, ...]
    references: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset lives and how it is scored."""

    name: str
    files: tuple[str, ...]  # relative to the data root; the first is the cluster file
    budget: int  # words
    measure: str  # "fmeasure" or "recall"
    lowercase: bool
    description: str


DATASETS: dict[str, DatasetSpec] = {
    "multinews-val": DatasetSpec(
        "multinews-val",
        ("multi_news_plus/val.jsonl.gz",),
        250,
        "fmeasure",
        True,
        "Multi-News validation split (normalised/truncated variant via Multi-News+)",
    ),
    "multinews-test": DatasetSpec(
        "multinews-test",
        ("multi_news_plus/test.jsonl",),
        250,
        "fmeasure",
        True,
        "Multi-News test split (normalised/truncated variant via Multi-News+)",
    ),
    "longbench": DatasetSpec(
        "longbench",
        ("longbench_multi_news/multi_news_split.jsonl",),
        250,
        "fmeasure",
        False,
        "LongBench multi_news: 200 Multi-News test clusters, raw casing, full-length articles",
    ),
    "duc2004": DatasetSpec(
        "duc2004",
        ("duc2004_task2/duc2004_task2.jsonl", "duc2004_task2/duc2004_task2_system_outputs.jsonl"),
        100,
        "recall",
        False,
        "DUC 2004 task 2: 50 clusters x 10 newswire articles, 4 human references each",
    ),
}


class DataMissing(Exception):
    """A data file the dataset needs is not there."""


def usable_documents(documents: Iterable[str]) -> tuple[str, ...]:
    """The documents that hold any text."""
    return tuple(doc for doc in documents if doc and doc.strip())


def load_multinews(path: Path) -> list[Cluster]:
    """Multi-News (Multi-News+ copy): every cluster with at least one non-empty document."""
    clusters = []
    for record in read_jsonl(path):
        docs = usable_documents(record["documents"])
        if docs:
            clusters.append(Cluster(str(record["idx"]), docs, (record["summary"],)))
    return clusters


def load_longbench(path: Path) -> list[Cluster]:
    """LongBench multi_news, keyed by the Multi-News+ idx (``longbench_id`` is an alias)."""
    clusters = []
    for record in read_jsonl(path):
        docs = usable_documents(record["documents"])
        if docs:
            aliases = (str(record["longbench_id"]), str(record["multi_news_test_index"]))
            clusters.append(Cluster(str(record["multi_news_plus_idx"]), docs, (record["summary"],), aliases))
    return clusters


def load_duc2004(path: Path) -> list[Cluster]:
    """DUC 2004 task 2 clusters with their four references."""
    clusters = []
    for record in read_jsonl(path):
        docs = usable_documents(d["text"] for d in record["documents"])
        refs = tuple(r["text"] for r in record["references"])
        if docs:
            clusters.append(Cluster(record["cluster_id"], docs, refs))
    return clusters


def load_published(path: Path) -> dict[str, dict[str, str]]:
    """DUC 2004 published system outputs: ``{system: {cluster_id: summary}}``."""
    outputs: dict[str, dict[str, str]] = {}
    for record in read_jsonl(path):
        outputs.setdefault(record["system"], {})[record["cluster_id"]] = record["summary"]
    return outputs


LOADERS: dict[str, Callable[[Path], list[Cluster]]] = {
    "multinews-val": load_multinews,
    "multinews-test": load_multinews,
    "longbench": load_longbench,
    "duc2004": load_duc2004,
}


def data_paths(spec: DatasetSpec, root: Path) -> list[Path]:
    """The dataset's files under ``root``; raises DataMissing naming the first absent one."""
    paths = [root / rel for rel in spec.files]
    for path in paths:
        if not path.is_file():
            raise DataMissing(f"data file not found: {path} (give the folder that holds it with --data)")
    return paths


def read_id_list(path: Path) -> list[str]:
    """Cluster ids from a text file: one per line; blank lines and ``#`` comments ignored."""
    ids = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.append(line)
    return ids


def select_clusters(
    clusters: list[Cluster], subset: list[str] | None, limit: int | None
) -> tuple[list[Cluster], list[str]]:
    """Keep the subset (in data order), then the first ``limit``; also return unknown ids."""
    missing: list[str] = []
    if subset is not None:
        wanted = set(subset)
        known = {name for c in clusters for name in (c.id, *c.aliases)}
        missing = [i for i in subset if i not in known]
        clusters = [c for c in clusters if wanted & {c.id, *c.aliases}]
    if limit is not None:
        clusters = clusters[:limit]
    return clusters, missing


def gate_ids(clusters: Iterable[Cluster], count: int = 100, min_docs: int = 2) -> list[str]:
    """The gate subset: ids sorted by sha256(id), first ``count`` with >= ``min_docs`` docs."""
    eligible = [c.id for c in clusters if len(c.documents) >= min_docs]
    eligible.sort(key=lambda i: hashlib.sha256(i.encode("utf-8")).hexdigest())
    return eligible[:count]
