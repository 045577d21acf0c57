"""Benchmarks of the slide pipeline and the tile server (`make bench`, `python -m bench.run`).

Everything the benchmark writes goes to `bench/out/` (git-ignored) except the recorded results,
`bench/RESULTS.md`. Every server or worker it starts is its own process group, stopped at the end
even when a step fails.
"""
