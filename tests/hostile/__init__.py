"""Hostile-server tests: a deliberately misbehaving HTTP server on loopback, and proof that the
client stays bounded in time and memory whatever it does. Each case records the exception it
saw, the seconds it took and the peak RSS, printed at the end of the run."""
