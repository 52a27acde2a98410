"""Conduct and achievement points (issue 17): the catalogue, thresholds, entries and to-dos,
and the "points" kind of the students import."""
