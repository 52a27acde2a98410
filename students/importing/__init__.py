"""The spreadsheet import's service side: the ImportBatch lifecycle and the database writes.
`students/importers/` reads a file into rows (parsing, no writes); this package matches
those rows to the school's data and writes them:

- `lifecycle`: the batch, one service per step (upload, preview, confirm, process, fail);
  `command`: the same from `manage.py import_spreadsheet`, or a dry run.
- `analysis`: parse and match a file (reads only); `report`: the preview and the summary.
- `resolve`: rows → students, classes, majors, subjects, terms, and the `plan` of what to
  create; `write`: creates that, then calls one writer per kind: `roster`, `grades`,
  `attendance`, `pkl` (and the RowWriters higher layers register in `plan.ROW_WRITERS`).
"""
