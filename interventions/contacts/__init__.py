"""Parent contact and letters (issue 17), and the daily list of students in need whom nobody
has contacted or taken on (the unattended check)."""
