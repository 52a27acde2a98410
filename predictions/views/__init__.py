"""Pages of the predictions app: `quality` (model quality and teacher feedback), `training`
(start a run, watch it, promote a version, confirm a scoring) and `status` (the state of a
school's predictions as JSON)."""
