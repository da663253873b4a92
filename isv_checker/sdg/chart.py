"""The bar chart of the SDG table: per category, the share of required contracts with a complete clause.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global state) and
saved without a software/date stamp, so the same numbers give the same PNG on one installation.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

BAR_COLOUR = "#154273"
TRACK_COLOUR = "#e6ebf2"
LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # None: no required contracts in this category
    complete: int
    required: int


def share_chart(bars: Sequence[Bar], *, title: str, xlabel: str, none_label: str, empty_label: str) -> bytes:
    """A horizontal bar chart as PNG bytes; categories top to bottom in the order given."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    lines = sum(len(textwrap.wrap(b.label, LABEL_CHARS)) or 1 for b in bars)
    height = max(1.8, 1.0 + 0.3 * len(bars) + 0.14 * lines)
    figure = Figure(figsize=(7.2, height), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    figure.subplots_adjust(left=0.36, right=0.96, top=1 - 0.55 / height, bottom=0.75 / height)
    axes.set_title(title, fontsize=10, loc="left")
    if not bars:
        axes.text(0.5, 0.5, empty_label, ha="center", va="center", transform=axes.transAxes, fontsize=9)
        axes.set_axis_off()
    else:
        positions = list(range(len(bars)))[::-1]
        axes.barh(positions, [100] * len(bars), color=TRACK_COLOUR, height=0.6)
        axes.barh(positions, [(b.share or 0) * 100 for b in bars], color=BAR_COLOUR, height=0.6)
        for y, bar in zip(positions, bars, strict=True):
            if bar.share is None:
                text = none_label
            else:
                percent = f"{bar.share * 100:.0f}%"
                text = f"{percent} ({bar.complete}/{bar.required})"
            inside = (bar.share or 0) >= 0.3
            x = 2 if inside or bar.share is None else bar.share * 100 + 1.5
            axes.text(x, y, text, va="center", ha="left", fontsize=8, color="white" if inside else "#1b1b1b")
        axes.set_yticks(positions)
        axes.set_yticklabels([textwrap.fill(b.label, LABEL_CHARS) for b in bars], fontsize=8.5)
        axes.set_xlim(0, 100)
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.set_xticklabels([f"{v}%" for v in (0, 25, 50, 75, 100)], fontsize=8)
        if xlabel:
            axes.set_xlabel(xlabel, fontsize=8.5)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()
