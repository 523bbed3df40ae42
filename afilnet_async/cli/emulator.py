"""``afilnet emulator``: serve the built-in Afilnet emulator in the foreground."""

from __future__ import annotations

from typing import Any

import click

from .errors import CliError

__all__ = ["emulator"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--latency", default=0.0, type=click.FloatRange(0), help="Seconds per request.")
@click.option("--latency-jitter", default=0.0, type=click.FloatRange(0), help="+/- seconds.")
@click.option(
    "--latency-distribution",
    type=click.Choice(["fixed", "normal", "exponential"]),
    default="fixed",
    show_default=True,
)
@click.option("--rate-429", default=0.0, type=click.FloatRange(0, 1), help="Share of 429s.")
@click.option("--retry-after", default=1.0, type=click.FloatRange(0), help="Retry-After of 429s.")
@click.option("--rate-503", default=0.0, type=click.FloatRange(0, 1), help="Share of 503s.")
@click.option("--rate-502", default=0.0, type=click.FloatRange(0, 1), help="Share of 502s.")
@click.option("--rate-drop", default=0.0, type=click.FloatRange(0, 1), help="Dropped connections.")
@click.option(
    "--rate-applied-then-500",
    default=0.0,
    type=click.FloatRange(0, 1),
    help="Share of calls applied, then answered 500 (the lost answer).",
)
@click.option("--token-lifetime", default=3600.0, type=click.FloatRange(0, min_open=True))
@click.option("--rps-limit", default=None, type=click.FloatRange(0, min_open=True))
@click.option("--seed", default=None, type=int, help="Seed the fault dice.")
def emulator(host: str, port: int, seed: int | None, **faults: Any) -> None:
    """Serve the emulator with the demo account demo / demo (Ctrl-C stops it)."""
    from ..emulator import Emulator, Faults  # the emulator extra, loaded for this command only

    try:
        chosen = Faults(**faults)
    except ValueError as invalid:  # e.g. fault rates summing above 1
        raise CliError(f"fault options: {invalid}") from None
    emu = Emulator.demo(faults=chosen, seed=seed)

    def ready(base_url: str) -> None:
        click.echo(f"Afilnet emulator at {base_url}  (user demo, password demo; Ctrl-C stops)")
        click.echo(f"  export AFILNET_BASE_URL={base_url} AFILNET_USER=demo AFILNET_PASSWORD=demo")

    emu.run(host=host, port=port, on_ready=ready)
