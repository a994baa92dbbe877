"""Filling in a checklist: the form, drafts, submitting, the receipt and the printable view."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as WerkzeugResponse

from forms import (
    Catalogue,
    Form,
    InvalidSubmission,
    Status,
    Submission,
    parse_fields,
    validate,
)
from forms.diff import carry_over
from forms.progress import DETAILS_ID, State, changed_part, progress
from service import form_store, responses
from service.access import current_org, org_required, signin_needed
from service.catalogue import current_catalogue
from service.consultations.queries import open_actions
from service.db import get_db
from service.errors import fail
from service.i18n import N_
from service.mail.receipt import enqueue_receipt
from service.models import Response
from service.views import author
from service.views.plans import receipt_context

bp = Blueprint("fill", __name__)

# Posted fields that steer the page rather than carry answers.
CONTROL_FIELDS = {"csrf_token", "action", "lock_version", author.FIELD}
# Session key: a draft was just saved without JavaScript; the next form page says so.
SAVED_NOTE = "fill_saved"

# (title, text) of the warnings shown above a form whose post was not saved.
CONFLICT = (
    N_("Checklistan har ändrats någon annanstans"),
    N_(
        "Checklistan har sparats från ett annat fönster eller av en kollega sedan du öppnade sidan. "
        "Det du ser nu är det du själv har skrivit, och det är inte sparat ännu. Kontrollera och "
        "spara igen för att ersätta den andra versionen."
    ),
)
STALE_PAGE = (
    N_("Sidan hann bli för gammal för att spara"),
    N_(
        "Av säkerhetsskäl sparas inget från en sida som öppnades före en ny inloggning eller i "
        "en annan webbläsare. Det du har skrivit finns kvar här men är inte sparat ännu. "
        "Kontrollera och spara igen."
    ),
)

UNAVAILABLE = (
    N_("Checklistan kunde inte sparas just nu"),
    N_(
        "Tjänsten kunde inte spara i databasen just nu. Inget är förlorat: det du har skrivit "
        "finns kvar här. Vänta en stund och spara igen."
    ),
)


def catalogue() -> Catalogue:
    result: Catalogue = current_catalogue()
    return result


def form_for(response: Response) -> Form:
    form = catalogue().get(response.form_id, response.form_version)
    if form is None:
        fail(
            404,
            f"Version {response.form_version} av checklistan finns inte längre i tjänsten.",
        )
    return form


def owned_response(response_id: str) -> Response:
    response = responses.owned(
        get_db(), response_id, None if g.is_admin else getattr(g.org, "slug", "")
    )
    if response is None:
        fail(404)
    return response


def render_form(
    form: Form,
    submission: Submission,
    response: Response | None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    warning: tuple[str, str] | None = None,
    lock: int | None = None,
) -> tuple[str, int]:
    page = render_template(
        "fill/form.html",
        form=form,
        sub=submission,
        response=response,
        errors=errors or {},
        error_groups=group_errors(form, errors or {}),
        warning=warning,
        lock_version=lock if lock is not None else (response.lock_version if response else 0),
        progress=progress(form, submission, details_title(form)),
        saved=session.pop(SAVED_NOTE, False) if status == 200 else False,
        # What the page shows is not what is stored: fill.js saves it (or, after a
        # conflict, waits until the person chooses Spara utkast).
        unsaved=status != 200,
        paused=warning is CONFLICT,
        autosave_url=autosave_url(form),
        # Samråd: what consultees asked to be fixed and is not handled yet, at its question.
        raised=open_actions(get_db(), response) if response is not None else {},
        **newer_version(form, response),
    )
    return page, status


def autosave_url(form: Form) -> str:
    """Where fill.js saves this page: the response being edited, or a new one."""
    response_id = (request.view_args or {}).get("response_id")
    if response_id:
        return url_for("fill.autosave_response", response_id=response_id)
    return url_for("fill.autosave_new", form_id=form.id)


def group_errors(form: Form, errors: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The error summary's messages grouped by part, in page order: (heading, [(field, text)])."""
    groups = [(details_title(form), [f.input_name for f in form.metadata])] + [
        (
            f"{n}. {section.title}",
            [name for item in section.items for name in (item.answer_name, item.comment_name)],
        )
        for n, section in enumerate(form.sections, 1)
    ]
    found = [
        (title, [(name, errors[name]) for name in names if name in errors])
        for title, names in groups
    ]
    return [(title, shown) for title, shown in found if shown]


# The shipped definitions' headings of their details part, kept in the English catalogue.
DETAILS_TITLES = (N_("Uppgifter om planen"), N_("Uppgifter om programmet"))


def details_title(form: Form) -> str:
    """The heading of the details part, as the definition names it, in the page's language."""
    return gettext(form.details_title)


def newer_version(form: Form, response: Response | None) -> dict[str, object]:
    """For a draft on an older version: the newest version and what moving would drop."""
    latest = catalogue().latest(form.id)
    if response is None or response.status != Status.DRAFT or latest.version <= form.version:
        return {"newer": None, "newer_dropped": []}
    return {"newer": latest, "newer_dropped": carry_over(form, latest, response.data or {})[1]}


def posted_submission(form: Form) -> Submission:
    """The posted answers, or a 400 for fields our page cannot have sent."""
    try:
        return parse_fields(
            form, ((k, v) for k, v in request.form.items(multi=True) if k not in CONTROL_FIELDS)
        )
    except InvalidSubmission:
        fail(
            400,
            "Formuläret innehöll uppgifter som inte hör till den här checklistan. "
            "Inget har sparats. Ladda om sidan och försök igen.",
        )


def handle_post(form: Form, response: Response | None) -> WerkzeugResponse | tuple[str, int]:
    """Spara utkast (draft), Fortsätt (review) or, from older pages, Skicka in (submit)."""
    # "draft@<part>": the script says which part the person was working on.
    kind, _, named_part = request.form.get("action", "").partition("@")
    if kind not in ("draft", "review", "submit"):
        fail(400)
    submission = posted_submission(form)
    try:
        # Checked here rather than before the view (it is exempt from the automatic check):
        # a page too old to trust must not throw away what the person typed.
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return render_form(form, submission, response, status=400, warning=STALE_PAGE)
    result = validate(form, submission, complete=kind == "submit")
    by, by_error = author.posted_author()
    if not result.ok or by_error:
        errors = result.errors | ({author.FIELD: by_error} if by_error else {})
        return render_form(form, submission, response, errors, 422)

    db = get_db()
    if response is not None and request.form.get("lock_version") != str(response.lock_version):
        return render_form(form, submission, response, status=409, warning=CONFLICT)
    before = Submission.from_dict(response.data if response else None)
    if response is None:
        response = responses.create(db, current_org().slug, form)
    try:
        if kind == "submit":
            submitted = response
            revision = responses.submit(  # with the receipt e-mail in the same transaction
                db,
                response,
                submission,
                lambda r: enqueue_receipt(db, form, submitted, r),
                by=by,
            )
            return redirect(
                url_for("fill.receipt", response_id=response.id, revision=revision.number)
            )
        if kind == "draft" or submission.to_dict() != (response.data or {}):
            # Fortsätt without a change writes nothing: a submitted response stays
            # without unsent changes.
            responses.save_draft(db, response, submission, by=by, section=named_part or None)
    except StaleDataError:
        db.rollback()
        return render_form(
            form, submission, db.get(Response, response.id), status=409, warning=CONFLICT
        )
    except SQLAlchemyError:
        # The database is away or busy: nothing was saved, so give back what was typed.
        db.rollback()
        current_app.logger.exception("saving a response failed")
        posted_lock = request.form.get("lock_version", "0")
        lock = int(posted_lock) if posted_lock.isdigit() else 0
        return render_form(form, submission, None, status=503, warning=UNAVAILABLE, lock=lock)
    if kind == "review":
        return redirect(url_for("fill.review", response_id=response.id))
    # The saved page opens again at the part the person was working on: named by the
    # script, or without it the part they changed last (or the first unfinished one),
    # with the confirmation in the action bar beside the button they pressed.
    session[SAVED_NOTE] = True
    parts = {DETAILS_ID} | {section.id for section in form.sections}
    landing = (
        named_part
        if named_part in parts
        else changed_part(form, before, submission) or first_unfinished(form, submission)
    )
    return redirect(url_for("fill.edit", response_id=response.id) + f"#{landing}")


def first_unfinished(form: Form, submission: Submission) -> str:
    parts = progress(form, submission).parts
    return next((p.id for p in parts if p.state is not State.DONE), DETAILS_ID)


@bp.route("/checklista/<form_id>/ny", methods=["GET", "POST"])
@org_required
def new(form_id: str) -> WerkzeugResponse | tuple[str, int]:
    form = catalogue().get(form_id)
    if form is None:
        fail(404)
    if request.method == "POST":
        return handle_post(form, None)
    return render_form(form, Submission(), None)


@bp.route("/svar/<response_id>/andra", methods=["GET", "POST"])
@org_required
def edit(response_id: str) -> WerkzeugResponse | tuple[str, int]:
    response = owned_response(response_id)
    form = form_for(response)
    if request.method == "POST":
        return handle_post(form, response)
    return render_form(form, Submission.from_dict(response.data), response)


@bp.route("/svar/<response_id>/ny-version", methods=["POST"])
@org_required
def move(response_id: str) -> WerkzeugResponse:
    """Move a draft onto the newest version of its checklist, answers following by name."""
    response = owned_response(response_id)
    old, new = form_for(response), catalogue().latest(response.form_id)
    if response.status == Status.DRAFT and new.version > old.version:
        if request.form.get("lock_version") != str(response.lock_version):
            flash(
                "Utkastet har sparats från ett annat fönster sedan du öppnade sidan och har "
                "inte flyttats. Kontrollera det och försök igen.",
                "info",
            )
        else:
            dropped = form_store.move_draft(get_db(), response, old, new)
            lost = (
                f" Följande fanns inte kvar och följde inte med: {'; '.join(dropped)}."
                if dropped
                else ""
            )
            flash(
                f"Utkastet är flyttat till version {new.version} av checklistan.{lost}", "success"
            )
    return redirect(url_for("fill.edit", response_id=response.id))


@bp.route("/svar/<response_id>/kvitto/<int:revision>")
@org_required
def receipt(response_id: str, revision: int) -> str:
    response = owned_response(response_id)
    submitted = responses.revision(get_db(), response, revision)
    if submitted is None:
        fail(404)
    return render_template(
        "fill/receipt.html",
        response=response,
        form=form_for(response),
        revision=submitted,
        **receipt_context(response, submitted),
    )


@bp.route("/svar/<response_id>")
def view(response_id: str) -> str | tuple[str, int]:
    if g.org is None and not g.is_admin:
        return signin_needed()
    response = owned_response(response_id)
    number = request.args.get("revision", type=int)
    shown = responses.revision(get_db(), response, number) if number else None
    if number and shown is None:
        fail(404)
    data = shown.data if shown else response.data
    form = catalogue().get(response.form_id, shown.form_version if shown else response.form_version)
    if form is None:
        form = form_for(response)
    return render_template(
        "fill/view.html", response=response, form=form, shown=shown, sub=Submission.from_dict(data)
    )
