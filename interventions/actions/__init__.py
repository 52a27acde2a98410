"""To-dos (issue 24): what a named staff member must do for a student by a date."""
