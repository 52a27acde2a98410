"""The "Pemberitahuan" page (issue 24): what is new for me, mark read, the daily digest."""
