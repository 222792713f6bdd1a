"""Exports of a report: JSON for other systems, the official Word document, PDF."""
