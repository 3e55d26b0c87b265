"""The whole-system benchmark: `python -m logokraft_dev.bench` (behind `make bench`).

It starts the real stack (`python -m logokraft_dev.devstack run`: NATS, Postgres, the three
services and the gateway as processes) against the provider fakes, served by a process of
their own with a latency model (`latency.py`, `fakes.py`); drives it over HTTP and each
project's SSE stream (`load.py`); measures every process's CPU time and RSS with psutil
(`stack.py`); and prints the figures and goals and writes them as JSON under bench/results/
(`report.py`).
"""
