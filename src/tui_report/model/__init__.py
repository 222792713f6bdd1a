"""The report model: templates, reports, rules, the print layout, undo history, progress, diff/merge.

The bottom layer: it imports nothing of the app above it, and never Textual, Rich or python-docx."""
