"""Benchmarks and the load test (issue 6, issue 5 "Load and isolation"). Entry point: `python -m benchmarks.run`."""
