"""Benchmarks of the real bot process against the fake Bot API (not part of the tests)."""
