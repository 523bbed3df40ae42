"""Hardening suites (issue 6): properties, fault soak, cancellation, token attacks, secrets,
asyncio and trio. Each module records its figures in :data:`helpers.FIGURES`, printed at the
end of the run."""
