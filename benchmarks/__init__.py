"""Speed and size of the docs site, its test suite and mockgraph: measured and reported, never
asserted in tests (machines are shared and noisy). Run: python -m benchmarks"""
