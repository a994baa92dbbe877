"""The checklist domain: definitions, the form model, loading and validating answers.

Pure Python: nothing here knows of Flask or the database.
"""

from forms.catalogue import Catalogue, load_catalogue
from forms.loader import DefinitionError, load_form
from forms.model import ANSWER_SCALE, Choice, Field, Form, Item, Section
from forms.status import Status
from forms.validation import (
    Answer,
    InvalidSubmission,
    Submission,
    ValidationResult,
    parse_fields,
    validate,
)

__all__ = [
    "ANSWER_SCALE",
    "Answer",
    "Catalogue",
    "Choice",
    "DefinitionError",
    "Field",
    "Form",
    "InvalidSubmission",
    "Item",
    "Section",
    "Status",
    "Submission",
    "ValidationResult",
    "load_catalogue",
    "load_form",
    "parse_fields",
    "validate",
]
