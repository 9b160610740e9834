"""Export: a Pipeline's steps into a package an engineer can pip install, test and own."""

from .errors import ExecutionFailed, ExportError, HandEditedFiles

__all__ = ["ExecutionFailed", "ExportError", "HandEditedFiles"]
