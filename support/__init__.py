"""Helpers shared by the tests and the benchmarks: fakes of the Google Sheets and Microsoft
Graph APIs on loopback, the real service in separate processes, and complete answers."""
