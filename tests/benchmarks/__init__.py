"""Tests of the benchmarks (the benchmarks package: fast checks of their parts, and the CI gates)."""
