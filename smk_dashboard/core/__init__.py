"""The lowest layer: audit trail, field encryption, REST API plumbing and the shared words
(categories, roles). It imports no app of this project."""
