"""The `survey` sheet row by row: groups, notes, metadata fields and items."""

from __future__ import annotations

from forms.loader import ID_PATTERN
from forms.model import DETAILS_TITLE, Choice, Field, Form, Item, Section
from forms.xlsform import (
    ANSWER_LIST,
    FORM_NOTE,
    METADATA_GROUP,
    NO,
    SURVEY,
    TYPE_COLUMN,
    YES,
    Sheet,
    XLSFormError,
    comment_name,
)
from forms.xlsform_reader import (
    FIELD_KINDS,
    KNOWN_TYPES,
    SELECT_KINDS,
    SURVEY_COLUMNS,
    UNSUPPORTED_SHEETS,
    ChoiceList,
    Group,
    SurveyReader,
    also,
)


def parse_type(raw: str) -> tuple[str, str]:
    """(kind, list name) of a type cell; kind "" when the type is not in our subset."""
    words = raw.split()
    low = [w.lower() for w in words]
    if len(words) == 3 and low[0] == "select" and low[1] in ("one", "multiple"):
        words, low = [f"select_{low[1]}", words[2]], [f"select_{low[1]}", low[2]]
    if low in (["begin", "group"], ["begin_group"]):
        return "begin group", ""
    if low in (["end", "group"], ["end_group"]):
        return "end group", ""
    if len(words) == 1 and low[0] in (*FIELD_KINDS, "note"):
        return low[0], ""
    if len(words) == 2 and low[0] in SELECT_KINDS:
        return low[0], words[1]
    return "", ""


class SurveyRows:
    """State while walking the survey: the open group, names seen, what is built so far."""

    def __init__(self, reader: SurveyReader, sheet: Sheet, lists: dict[str, ChoiceList]) -> None:
        self.reader, self.sheet, self.lists = reader, sheet, lists
        self.names: dict[str, int] = {}
        self.group: Group | None = None
        self.groups_seen = 0
        self.metadata_row = 0
        self.description: str | None = None
        self.details_title = ""  # the label of the group uppgifter
        self.fields: list[Field] = []
        self.sections: list[Section] = []
        # Types we do not read: (index of its one problem, first row, later rows) by type.
        self.unsupported: dict[str, tuple[int, int, list[int]]] = {}
        self.repeat_row = 0  # inside begin repeat … end repeat: rows are not read

    def problem(self, row: int, header: str, message: str) -> None:
        if header == "label":
            column = self.reader.label_column(self.sheet)
        else:
            column = self.reader.where(self.sheet, header) if header else ""
        self.reader.problem(SURVEY, row, column, message)

    def check_name(self, r: int, name: str) -> None:
        if not name:
            self.problem(r, "name", "namn (name) saknas.")
        elif not ID_PATTERN.match(name):
            self.problem(
                r,
                "name",
                f"namnet '{name}' ska börja med en liten bokstav och bara innehålla a–z, 0–9 och _ "
                "(högst 63 tecken).",
            )
        elif name in self.names:
            self.problem(r, "name", f"namnet {name} används redan på rad {self.names[name]}.")
        else:
            self.names[name] = r

    def required(self, r: int, row: list[str]) -> bool | None:
        value = self.sheet.value(row, "required").lower()
        if value in YES:
            return True
        if value in NO:
            return False
        self.problem(r, "required", f"required '{value}' ska vara yes eller no.")
        return None

    def row(self, r: int, row: list[str]) -> None:
        raw = self.sheet.value(row, "type")
        kind, list_name = parse_type(raw)
        low = " ".join(raw.lower().replace("_", " ").split())
        if self.repeat_row:
            if low == "end repeat":
                self.repeat_row = 0
            return
        if not raw:
            self.problem(r, "type", "typ (type) saknas.")
            return
        if low == "begin repeat":
            self.repeat_row = r  # one message for the repeat, none for the rows inside it
        if not kind:
            self.unsupported_type(r, " ".join(raw.split()))
            return
        if kind == "text" and self.is_comment_box(row):
            return
        if kind == "end group":
            self.end_group(r)
            return
        name = self.sheet.value(row, "name")
        label = self.reader.text(self.sheet, row, "label")
        hint = self.reader.text(self.sheet, row, "hint")
        self.check_name(r, name)
        if not label:
            self.problem(r, "label", f"{name or 'raden'} saknar label (texten som visas).")
        if kind == "note":
            # The model keeps no note names: key the translation by what the note describes.
            owner = self.group.name + "_" if self.group else ""
            self.reader.translate(self.sheet, row, owner + FORM_NOTE, ("label",))
        else:
            self.reader.translate(self.sheet, row, name, ("label", "hint"))
        if kind in ("begin group", "note") and hint:
            self.problem(r, "hint", f"en {kind} kan inte ha hint; skriv texten i label.")
        if kind == "begin group":
            self.begin_group(r, name, label)
        elif kind == "note":
            self.note(r, label)
        elif self.group is None:
            self.problem(
                r, "type", "fält och frågor ska ligga i en grupp (begin group … end group)."
            )
        elif self.group.is_metadata:
            self.metadata_field(r, row, kind, list_name, name, label, hint)
        else:
            self.item(r, row, kind, list_name, name, label, hint)

    def unsupported_type(self, r: int, raw: str) -> None:
        """One problem per unsupported type, naming every row that uses it."""
        known = self.unsupported.get(raw)
        if known is None:
            self.unsupported[raw] = (len(self.reader.problems), r, [])
            self.problem(r, "type", self.unsupported_message(raw, []))
        else:
            known[2].append(r)

    def unsupported_message(self, raw: str, later: list[int]) -> str:
        return f"typen '{raw}' stöds inte; tjänsten läser {KNOWN_TYPES}{also(later)}"

    def is_comment_box(self, row: list[str]) -> bool:
        """The free-text box beside the item just before it, as written for ODK and
        KoboToolbox (`<item>_kommentar`): implied by the model, so nothing to read."""
        group = self.group
        if group is None or group.is_metadata or not group.items:
            return False
        return self.sheet.value(row, "name") == comment_name(group.items[-1].id)

    def begin_group(self, r: int, name: str, label: str) -> None:
        if self.group is not None:
            self.problem(
                r,
                "type",
                f"grupper inuti grupper stöds inte; gruppen på rad {self.group.row} är inte avslutad.",
            )
            return
        self.groups_seen += 1
        is_metadata = name == METADATA_GROUP
        if is_metadata and self.groups_seen > 1:
            self.problem(
                r, "name", "gruppen uppgifter ska vara den första gruppen och finnas en gång."
            )
        if is_metadata:
            self.metadata_row = r
            self.details_title = label
        self.group = Group(name, r, label, is_metadata)

    def end_group(self, r: int) -> None:
        group = self.group
        if group is None:
            self.problem(r, "type", "end group utan en öppen grupp (begin group).")
            return
        self.group = None
        if group.is_metadata:
            if not self.fields:
                self.problem(group.row, "type", "gruppen uppgifter är tom.")
            return
        if not group.items:
            self.problem(group.row, "type", f"avsnittet {group.name} har inga frågor.")
            return
        self.sections.append(
            Section(group.name, group.title, tuple(group.items), group.description)
        )

    def note(self, r: int, label: str) -> None:
        group = self.group
        if group is None:
            if self.groups_seen or self.description is not None:
                self.problem(
                    r,
                    "type",
                    "en note utanför grupperna får bara stå först, som checklistans beskrivning.",
                )
            self.description = label
        elif group.is_metadata:
            self.problem(r, "type", "en note kan inte stå i gruppen uppgifter.")
        elif group.items or group.description is not None:
            self.problem(
                r, "type", "en note får bara stå först i ett avsnitt, som dess beskrivning."
            )
        else:
            group.description = label or None

    def metadata_field(
        self, r: int, row: list[str], kind: str, list_name: str, name: str, label: str, hint: str
    ) -> None:
        required = self.required(r, row)
        field_type = SELECT_KINDS.get(kind) or FIELD_KINDS[kind]
        special = self.sheet.value(row, TYPE_COLUMN).lower()
        if special and not (special == "email" and kind == "text"):
            self.problem(
                r, TYPE_COLUMN, f"{TYPE_COLUMN} kan bara vara email, på en rad av typen text."
            )
        elif special == "email":
            field_type = "email"
        elif kind == "text" and "multiline" in self.sheet.value(row, "appearance").lower():
            field_type = "textarea"
        choices: tuple[Choice, ...] = ()
        if kind in SELECT_KINDS:
            chosen = self.lists.get(list_name)
            if chosen is None:
                self.problem(r, "type", f"listan {list_name} finns inte på bladet choices.")
                return
            choices = tuple(chosen.choices)
            prefix = ANSWER_LIST if list_name == ANSWER_LIST else name
            for lang, value, text in chosen.translations:
                self.reader.translations.add((lang, f"{prefix}/{value}:label", text))
        if required is not None:
            self.fields.append(Field(name, label, field_type, required, hint or None, choices))

    def item(
        self, r: int, row: list[str], kind: str, list_name: str, name: str, label: str, hint: str
    ) -> None:
        assert self.group is not None
        if kind != "select_one" or list_name != ANSWER_LIST:
            self.problem(
                r,
                "type",
                "i ett avsnitt kan bara frågor av typen select_one svar stå; "
                "andra fält hör hemma i gruppen uppgifter.",
            )
            return
        scale = self.lists.get(ANSWER_LIST)
        if scale is None:
            self.problem(r, "type", "listan svar finns inte på bladet choices.")
        else:
            for lang, value, text in scale.translations:
                self.reader.translations.add((lang, f"{ANSWER_LIST}/{value}:label", text))
        if self.required(r, row) is False and self.sheet.value(row, "required"):
            self.problem(
                r, "required", "frågorna måste alltid besvaras; skriv yes eller lämna tomt."
            )
        if self.sheet.value(row, TYPE_COLUMN):
            self.problem(r, TYPE_COLUMN, f"{TYPE_COLUMN} kan bara användas i gruppen uppgifter.")
        self.group.items.append(Item(name, label, self.group.name, hint or None))

    def finish(self) -> None:
        for raw, (index, first, later) in self.unsupported.items():
            if later:
                old = self.reader.problems[index]
                message = self.unsupported_message(raw, later)
                self.reader.problems[index] = type(old)(old.sheet, first, old.column, message)
        if self.repeat_row:
            self.problem(
                self.repeat_row, "type", "begin repeat avslutas aldrig (end repeat saknas)."
            )
        if self.group is not None:
            self.problem(
                self.group.row,
                "type",
                f"gruppen {self.group.name} avslutas aldrig (end group saknas).",
            )
        if not self.metadata_row:
            self.problem(0, "", "gruppen uppgifter med uppgifterna om planen saknas.")
        if not self.sections:
            self.problem(0, "", "checklistan behöver minst ett avsnitt (en grupp) med frågor.")


def read_survey(reader: SurveyReader, sheet: Sheet, lists: dict[str, ChoiceList]) -> SurveyRows:
    rows = SurveyRows(reader, sheet, lists)
    for r, row in enumerate(sheet.rows, 2):
        if any(row):
            rows.row(r, row)
    rows.finish()
    return rows


def read(sheets: dict[str, Sheet], source: str) -> Form:
    """The Form in `sheets`; raises XLSFormError with every problem found."""
    reader = SurveyReader(sheets, source)
    settings = reader.settings()
    survey = sheets.get(SURVEY)
    if survey is None:
        reader.problem(SURVEY, 0, "", "bladet survey med checklistans frågor saknas.")
        raise XLSFormError(reader.problems)
    reader.check_columns(
        survey, lambda key: key in SURVEY_COLUMNS or key.startswith(("label::", "hint::"))
    )
    reader.choose_language(survey, settings.get("default_language", ""))
    lists = reader.choice_lists()
    survey_rows = read_survey(reader, survey, lists)
    for name in UNSUPPORTED_SHEETS:
        extra = sheets.get(name)
        if extra is not None and any(any(row) for row in extra.rows):
            reader.problem(name, 0, "", "bladet stöds inte av tjänsten; ta bort det.")
    if reader.problems:
        raise XLSFormError(reader.problems)
    title = settings["form_title"]
    order = settings["order"]
    return Form(
        settings["form_id"],
        int(settings["version"]),
        title,
        settings["short_title"] or title,
        survey_rows.description or "",
        tuple(survey_rows.fields),
        tuple(survey_rows.sections),
        source,
        tuple(sorted(reader.translations)),
        details_title=survey_rows.details_title or DETAILS_TITLE,
        order=int(order) if order else None,
        reference_prefix=settings["reference_prefix"],
    )
