"""Helpers shared by the benchmarks that start several processes (sites)."""
