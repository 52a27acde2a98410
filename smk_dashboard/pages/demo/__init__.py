"""Deterministic synthetic SMK data for the demo and the benchmarks (`seed.seed_demo`).

The generator is a small causal story, so the signal is learnable but not trivial:
each student has a latent ability; a term's latent level follows an AR(1) process pulled
towards that ability, nudged by a personal trend (some students slip), by absences without
leave (alpa) in the previous term, and by socio-economic pressure. Scores, attendance and
non-academic ratings are noisy readings of the latent level. Teknik majors miss more days.
The offsets are set so that about 15% of term averages fall below the KKM of 75.

Conduct points and PKL (issue 17) come from a second random stream, so the grades, attendance
and ratings draws stay as they were; they feed back into the story with a modest effect:
- a conduct state (a personal propensity, higher for students who slip, lower for strong
  ones, plus term noise) drives violations (mostly terlambat, rarely berkelahi); a term of bad
  conduct lowers the next term's latent level a little (like alpa does);
- in the even semester of grade XI the students do their industry placement (PKL): a
  placement "drift" (hidden elsewhere) lowers attendance at the placement and the mentor's
  attitude rating, and lowers the next term's level.
"""
