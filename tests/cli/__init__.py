"""Tests of the ``afilnet`` command, run as users run it: in a subprocess."""
