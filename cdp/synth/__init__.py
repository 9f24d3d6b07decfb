"""Deterministic synthetic customers and source-system exports for demos, tests and benchmarks."""
