"""Does a sentence reader fine-tuned on Multi-News val lift coverage.v4's learned value?

``benchmarks/value_ceiling.py`` found that coverage.v4's integer program would reach the issue's
Multi-News target with a sentence value that correlates with the true label at r of about 0.45
within a cluster, while the shipped ridge over 17 features and a fixed all-MiniLM-L6-v2 vector
reads 0.35-0.39, and more training rows barely move that. This script tries the next step that
docs/learned-selection.md named: let the encoder itself learn to read a sentence's value.

- **Reader**: all-MiniLM-L6-v2 with low-rank adapters (``rank``, on every linear map of its six
  layers, the base weights frozen) and a linear head on its mean-pooled, normalised output, trained
  for ``epochs`` on the cluster-centred label (learn_value.value_label: the mean of the sentence's
  ROUGE-1 and ROUGE-2 precision against the reference), scaled to unit spread, squared error.
  Training clusters: val 1200 .. 1200 + ``reader-clusters`` - 1.
- **Value**: the coverage.v4 recipe (``learn_value.fit_v2``: features, vector, penalty by 5-fold
  split) fitted on the next clusters (up to val 5621), once as it is and once with the reader's
  score as one more column. The reader never saw these clusters, so the ridge learns how far to
  trust it.
- **Read**: within-cluster correlation with the label and ROUGE of coverage.v4's program and mixing
  (value_ceiling.score: 250-word F1 and 100-word recall with fill) on val 600..1199 (where
  coverage.v4's mixing was chosen) and 0..599 (held out from every choice).

The quality gate's clusters are left out of both fits. Multi-News test is never read.

    python -m benchmarks.value_reader [--reader-clusters 2600] [--epochs 1] [--rank 8]

About 28 minutes of training on 2 cores, then some 9 minutes of scoring (ablate.py's caches of
val 0..1199 and 1200..5621 are built first when missing). The trained adapters are kept in
results/cache/ and reused by a run with the same settings. Writes results/value-reader.json.
Exit codes: 0 done; 2 data missing or a bad option.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.ablate import DEFAULT_DATA, cache_path, load_clusters, prepare
from benchmarks.common import RESULTS, Stopwatch
from benchmarks.learn_value import (
    Rows,
    centred_labels,
    fit_v2,
    outside_gate,
    sentence_rows,
    within_cluster_correlation,
)
from benchmarks.value_ceiling import TRAINING_OFFSET, VAL_CLUSTERS, Evaluated, evaluated, score
from storyline.config import DEFAULT_EMBEDDING_MODEL
from storyline.nlp.embed import resolve_model
from storyline.select.coverage import LinearModel

READINGS = ((600, 600), (0, 600))  # (offset, clusters): where the mixing was chosen, then held out
MAX_TOKENS = 96  # a 70-word sentence (the longest a selector takes) is about 90 word pieces


def low_rank(base: Any, rank: int) -> Any:
    """``base`` (a frozen torch Linear) plus a trainable rank-``rank`` update B @ A, B starting at 0."""
    import torch

    class LowRank(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.A = torch.nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.B = torch.nn.Parameter(torch.zeros(base.out_features, rank))

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.A.T) @ self.B.T

    return LowRank()


class Reader:
    """all-MiniLM-L6-v2 with low-rank adapters and a linear head: one score per sentence."""

    def __init__(self, rank: int, seed: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(seed)
        path = resolve_model(DEFAULT_EMBEDDING_MODEL)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path)
        for weight in self.model.parameters():
            weight.requires_grad = False
        for layer in self.model.encoder.layer:
            attention = layer.attention
            for owner, name in (
                (attention.self, "query"),
                (attention.self, "key"),
                (attention.self, "value"),
                (attention.output, "dense"),
                (layer.intermediate, "dense"),
                (layer.output, "dense"),
            ):
                setattr(owner, name, low_rank(getattr(owner, name), rank))
        self.head = torch.nn.Linear(self.model.config.hidden_size, 1)
        torch.nn.init.zeros_(self.head.weight)
        torch.nn.init.zeros_(self.head.bias)

    def trainable(self) -> list[Any]:
        """The adapters and the head (the base weights stay frozen)."""
        return [weight for weight in self.model.parameters() if weight.requires_grad] + list(self.head.parameters())

    def forward(self, texts: list[str]) -> Any:
        """Scores of ``texts`` as a torch vector (with gradients when training)."""
        import torch

        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
        # Unit vectors have components of about 1/20: scaled so the head's weights start comparable.
        return self.head(pooled * 20).squeeze(-1)

    def train(
        self, texts: list[str], targets: npt.NDArray[np.float64], epochs: float, batch: int, rate: float
    ) -> list[float]:
        """Fit adapters and head to ``targets`` (squared error, AdamW, warm-up then linear decay).

        Returns the running loss every 100 steps.
        """
        import torch
        from tqdm import tqdm

        steps = max(1, int(epochs * len(texts) / batch))
        rng = np.random.default_rng(0)
        order = np.concatenate([rng.permutation(len(texts)) for _ in range(math.ceil(epochs) + 1)])
        optimiser = torch.optim.AdamW(self.trainable(), lr=rate, weight_decay=0.01)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min(1.0, (step + 1) / 100) * max(0.0, 1 - step / steps)
        )
        self.model.train()
        running, losses = 1.0, []
        for step in tqdm(range(steps), desc="reader", file=sys.stderr):
            chosen = order[step * batch : (step + 1) * batch]
            predicted = self.forward([texts[i] for i in chosen])
            loss = ((predicted - torch.tensor(targets[chosen], dtype=torch.float32)) ** 2).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            running = 0.98 * running + 0.02 * float(loss.detach())
            if step % 100 == 0:
                losses.append(round(running, 4))
        self.model.eval()
        return losses

    def score(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """One score per text (batches of similar length, no gradients)."""
        import torch

        scores = np.zeros(len(texts))
        order = np.argsort([len(text) for text in texts], kind="stable")
        with torch.no_grad():
            for start in range(0, len(texts), 64):
                chosen = order[start : start + 64]
                scores[chosen] = self.forward([texts[i] for i in chosen]).numpy()
        return scores

    def save(self, path: Path) -> None:
        import torch

        adapters = {key: value for key, value in self.model.state_dict().items() if key.endswith((".A", ".B"))}
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"adapters": adapters, "head": self.head.state_dict()}, path)

    def load(self, path: Path) -> None:
        import torch

        saved = torch.load(path)
        self.model.load_state_dict(saved["adapters"], strict=False)
        self.head.load_state_dict(saved["head"])
        self.model.eval()


class WithReader:
    """A fitted value whose last vector column is the reader's score (for value_ceiling.score)."""

    def __init__(self, model: LinearModel, scores: dict[int, npt.NDArray[np.float64]]) -> None:
        self.model = model
        self.features = model.features
        self.encoder = model.encoder
        self.scores = scores  # by id() of the Evaluated cluster: one reader score per sentence
        self.current: npt.NDArray[np.float64] = np.zeros(0)

    def see(self, cluster: Evaluated) -> None:
        self.current = self.scores[id(cluster)]

    def predict(self, matrix: Any, vectors: Any) -> npt.NDArray[np.float64]:
        return self.model.predict(matrix, np.hstack([vectors, self.current[:, None]]))


def with_column(rows: Rows, column: npt.NDArray[np.float64]) -> Rows:
    """``rows`` with ``column`` appended to the vectors (the ridge then weighs it like a vector part)."""
    return Rows(rows.features, np.hstack([rows.vectors, column[:, None]]), rows.labels, rows.cluster, rows.texts)


def main(argv: list[str] | None = None) -> int:
    """Train the reader, fit the value with and without it, read both on val 0..1199."""
    from rouge_score_rs import RougeScorer

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--reader-clusters", type=int, default=2600, help="val clusters the reader learns from")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rate", type=float, default=5e-4, help="AdamW's learning rate")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"value_reader: data missing ({args.data}); pass --data", file=sys.stderr)
        return 2
    if not 0 < args.reader_clusters < VAL_CLUSTERS - TRAINING_OFFSET:
        parser.error(
            f"--reader-clusters must leave clusters for the value's fit (1 .. {VAL_CLUSTERS - TRAINING_OFFSET - 1})"
        )
    clock = Stopwatch()
    limit = VAL_CLUSTERS - TRAINING_OFFSET
    clusters = load_clusters(args.data, limit, TRAINING_OFFSET)
    training = prepare(clusters, cache_path(args.out, limit, TRAINING_OFFSET))
    cut = args.reader_clusters
    reader_rows = sentence_rows(outside_gate(training[:cut], clusters[:cut]))
    value_rows = sentence_rows(outside_gate(training[cut:], clusters[cut:]))

    reader = Reader(args.rank, args.seed)
    kept = (
        args.out / "cache" / f"value-reader-{cut}-{args.epochs:g}-{args.rank}-{args.batch}-{args.rate:g}-{args.seed}.pt"
    )
    losses: list[float] = []
    if kept.exists():
        reader.load(kept)
    else:
        target = centred_labels(reader_rows)
        losses = reader.train(reader_rows.texts, target / target.std(), args.epochs, args.batch, args.rate)
        reader.save(kept)
    trained = clock.seconds

    value_scores = reader.score(value_rows.texts)
    plain, plain_alpha, plain_validated = fit_v2(value_rows)
    joint, joint_alpha, joint_validated = fit_v2(with_column(value_rows, value_scores))
    report: dict[str, Any] = {
        "reader": {
            "trained_on": f"Multi-News val clusters {TRAINING_OFFSET}..{TRAINING_OFFSET + cut - 1}, gate left out",
            "sentences": len(reader_rows.labels),
            "settings": {key: getattr(args, key) for key in ("epochs", "rank", "batch", "rate", "seed")},
            "running_loss_every_100_steps": losses,
            "seconds": round(trained, 1),
        },
        "value_fit": {
            "clusters": f"Multi-News val {TRAINING_OFFSET + cut}..{VAL_CLUSTERS - 1}, gate left out",
            "sentences": len(value_rows.labels),
            "reader_alone_r": round(within_cluster_correlation(value_scores, value_rows.labels, value_rows.cluster), 4),
            "without_reader_cv_r": round(plain_validated[plain_alpha], 4),
            "with_reader_cv_r": round(joint_validated[joint_alpha], 4),
        },
        "readings": [],
    }
    print(json.dumps(report["value_fit"]), flush=True)
    scorer = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    print("| val clusters | value | r | 250w F1 R-1 / R-2 | 100w recall R-1 / R-2 |", flush=True)
    for offset, count in READINGS:
        prepared = prepare(load_clusters(args.data, count, offset), cache_path(args.out, count, offset))
        clusters_read = evaluated(prepared, scorer._tokenizer)
        rows = sentence_rows(prepared)
        # Each distinct sentence through the reader once: the rows are a subset of the clusters' sentences.
        every = [
            [sentence.text for document in documents for sentence in document.sentences] for documents, _, _ in prepared
        ]
        distinct = sorted({text for texts in every for text in texts})
        known = dict(zip(distinct, reader.score(distinct), strict=True))
        scores = np.array([known[text] for text in rows.texts])
        per_cluster = {
            id(cluster): np.array([known[text] for text in texts])
            for cluster, texts in zip(clusters_read, every, strict=True)
            if cluster is not None
        }
        variants = (
            ("coverage.v4 recipe", plain, plain.predict(rows.features, rows.vectors)),
            (
                "with the reader",
                WithReader(joint, per_cluster),
                joint.predict(rows.features, np.hstack([rows.vectors, scores[:, None]])),
            ),
            ("the reader alone", None, scores),
        )
        for name, model, predicted in variants:
            reading: dict[str, Any] = {
                "clusters": f"{offset}..{offset + count - 1}",
                "value": name,
                "r": round(within_cluster_correlation(predicted, rows.labels, rows.cluster), 4),
            }
            if model is not None:
                reading.update(score(clusters_read, model, scorer))
            report["readings"].append(reading)
            cells = " | ".join(
                f"{reading[key][0]:.2f} / {reading[key][1]:.2f}" if key in reading else "-"
                for key in ("250_fmeasure", "100_recall")
            )
            print(f"| {reading['clusters']} | {name} | {reading['r']:.3f} | {cells} |", flush=True)
    report["seconds"] = round(clock.seconds, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "value-reader.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
