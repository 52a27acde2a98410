from django.core.exceptions import ValidationError


class FileRejected(ValidationError):
    """The whole file is refused (not a spreadsheet, encrypted, too large, no header...).
    The message is Indonesian and tells a teacher what to do; nothing is written."""
