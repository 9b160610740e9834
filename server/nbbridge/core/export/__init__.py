"""Export: a Pipeline's steps into a package an engineer can pip install, test and own."""

from .errors import ExportError, HandEditedFiles

__all__ = ["ExportError", "HandEditedFiles"]
