"""Maintainers' tools: headless runs, seeds, the benchmark, the report and README blocks.

None of this is needed to read or run a notebook; ``lib/`` holds what the notebooks use.
"""
