"""Storyline's benchmarks: quality, speed and clustering against third-party data in ../shared/data.

A package, run as modules from the repository root (``python -m benchmarks.rouge duc2004``); each
writes JSON results to results/. ``common`` holds what they share: paths, the code version, file
digests, JSON Lines reading and the one timing helper (:class:`benchmarks.common.Stopwatch`).
"""
