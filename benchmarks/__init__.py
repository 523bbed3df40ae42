"""Benchmarks of afilnet-async against its emulator running in another process."""
