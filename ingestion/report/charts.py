"""Plotly figures for the report, as JSON the page hands to the inlined plotly.js (no hand-drawn SVG)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import plotly.graph_objects as go

from ingestion.report.data import Bucket

FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=12, color="#1f2933")
STATE_COLOURS = {
    "active": "#2f9e44",
    "auditing": "#f08c00",
    "rejected": "#e03131",
    "expired": "#868e96",
    "offline": "#495057",
    "unknown": "#ae3ec9",
}


def _layout(height: int, **extra: object) -> dict[str, object]:
    return dict(
        height=height,
        margin=dict(l=8, r=8, t=28 if "title" in extra else 6, b=6),
        font=FONT,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        **extra,
    )


def trend(points: list[tuple[datetime, int | float]], unit: str) -> dict[str, Any]:
    """A small line of a card's value over the as_of times in kpi_card_history."""
    figure = go.Figure(
        go.Scatter(
            x=[moment.isoformat() for moment, _ in points],
            y=[value for _, value in points],
            mode="lines+markers",
            line=dict(color="#1c7ed6", width=2),
            marker=dict(size=6),
            hovertemplate="%{x|%Y-%m-%d %H:%M} UTC: %{y" + (":.1%" if unit == "ratio" else "") + "}<extra></extra>",
        ),
        layout=_layout(
            90,
            showlegend=False,
            xaxis=dict(showgrid=False, tickformat="%d %b", nticks=4),
            yaxis=dict(
                showgrid=True,
                gridcolor="#e9ecef",
                rangemode="tozero",
                nticks=3,
                tickformat=".0%" if unit == "ratio" else "",
            ),
        ),
    )
    return json.loads(figure.to_json())


def lifecycle_gap(buckets: list[Bucket], gap: int | float) -> dict[str, Any]:
    """Total listings as one bar stacked by lifecycle state: everything right of `active` is the gap."""
    ordered = sorted(buckets, key=lambda bucket: (bucket.name != "active", -bucket.value))
    figure = go.Figure(
        [
            go.Bar(
                name=bucket.name,
                y=["Total"],
                x=[bucket.value],
                orientation="h",
                marker_color=STATE_COLOURS.get(bucket.name, "#748ffc"),
                hovertemplate=f"{bucket.name}: %{{x}} ({bucket.share:.1%})<extra></extra>",
            )
            for bucket in ordered
        ],
        layout=_layout(
            150,
            title=dict(text=f"Total vs Active: gap of {gap:,} listings that cannot sell", x=0, font=dict(size=13)),
            barmode="stack",
            legend=dict(orientation="h", y=-0.25, traceorder="normal"),
            xaxis=dict(showgrid=True, gridcolor="#e9ecef"),
        ),
    )
    return json.loads(figure.to_json())


def rejection_causes(buckets: list[Bucket]) -> dict[str, Any]:
    """Rejections in the last 24h by cause, largest first, the top cause's share in the title."""
    top = next(bucket for bucket in buckets if bucket.is_top)
    ordered = sorted(buckets, key=lambda bucket: bucket.value)
    figure = go.Figure(
        go.Bar(
            y=[bucket.name.replace("_", " ") for bucket in ordered],
            x=[bucket.value for bucket in ordered],
            orientation="h",
            marker_color=["#e03131" if bucket.is_top else "#ffa8a8" for bucket in ordered],
            text=[f"{bucket.value} ({bucket.share:.0%})" for bucket in ordered],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        ),
        layout=_layout(
            60 + 32 * len(ordered),
            title=dict(
                text=f"Rejections (24h) by cause: top is {top.name.replace('_', ' ')}, {top.share:.0%}",
                x=0,
                font=dict(size=13),
            ),
            showlegend=False,
            yaxis=dict(automargin=True),
            xaxis=dict(showgrid=True, gridcolor="#e9ecef"),
        ),
    )
    return json.loads(figure.to_json())
