"""tui-report: fill in, check and export statutory annual reports."""

__version__ = "0.1.0"
