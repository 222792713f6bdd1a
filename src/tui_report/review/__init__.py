"""The county office's view of many reports: the review desk, the roster, the summary workbook,
batch export and the roll-up."""
