"""Benchmarks of semcat (not part of `make test`): `make bench` runs `python -m bench.run`."""
