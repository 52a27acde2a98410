"""The school report and the district report (/reports/): aggregates, PDFs and spreadsheets."""
