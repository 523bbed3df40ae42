"""This process's memory from Linux /proc, for the hostile tests and their child processes
(``memory_child.py`` imports it as a plain module)."""

from __future__ import annotations


def proc_status() -> dict[str, int]:
    """VmRSS, VmHWM and VmSize of this process, in bytes (Linux /proc)."""
    values: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM", "VmSize"):
                values[name] = int(rest.split()[0]) * 1024
    return values


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (``5`` into /proc/self/clear_refs); whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True
