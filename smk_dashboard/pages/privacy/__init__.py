"""Data-subject rights under UU PDP No. 27/2022 (/privacy/): access (export), rectification,
erasure by anonymisation, consent and objection to automated decisions, and a pseudonymised
research export. Reads start from `student_queryset_for_user`; every write is audited."""
