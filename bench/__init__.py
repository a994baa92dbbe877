"""Benchmarks with stated targets; run with `make bench`, never part of the test run."""
