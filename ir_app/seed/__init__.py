"""Seed data: the demo communes and the synthetic province for benchmarks (not use cases)."""
