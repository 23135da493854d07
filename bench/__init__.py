"""Benchmarks. Each writes its own section of docs/benchmarks.md (see bench/README.md)."""
