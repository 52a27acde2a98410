"""The risk list (/students/risk/): each active student's current prediction, filtered and paged."""
