"""The operator's report: one self-contained HTML file of every store's cards, trends, breakdowns and worklists."""

from ingestion.report.data import ReportError
from ingestion.report.render import default_database, render_report

__all__ = ["ReportError", "default_database", "render_report"]
