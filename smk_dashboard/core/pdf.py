"""Text for the PDFs (fpdf2 with its built-in fonts, which cover Latin-1 only)."""

# Typographic dashes and quotes have Latin-1 look-alikes; anything else outside Latin-1
# becomes "?" rather than failing the whole document.
_REPLACEMENTS = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


def pdf_text(value) -> str:
    """`value` as text the built-in PDF fonts can draw ("" for None)."""
    text = "" if value is None else str(value)
    return text.translate(_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")
