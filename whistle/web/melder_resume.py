"""Nothing a melder typed is lost when their session ended meanwhile (issue 12 point 3, the
path without JavaScript).

The case page's forms (a message, benadeling, the follow-up answer, attachments) are guarded by
`@melder_keeps_text` instead of `@melder_required`. When the session has ended, the answer is
the same page again with what was typed in it (re-rendered from the request body; stored
nowhere, not on the server and not in the cookie), a field for the code and one button: the
code opens a new session and the text is sent in the same request. A wrong code gets the one
answer for every failed login (Unauthorized), with the text still there; it counts as a failed
login (Bucket.MELDER_LOGIN). The forms carry the organisation's slug (public) because the code
is derived per organisation and the ended session no longer names it."""
from __future__ import annotations

from functools import wraps

from flask import render_template, request

from whistle.services.errors import TooManyRequests, Unauthorized
from whistle.services.melder import case as melder_case
from whistle.services.melder.case import ReporterContext
from whistle.web.context import attempt, commit_login, redo_after_rollback, use_case
from whistle.web.limits import throttle, melder_login_key
from whistle.web.principals import melder_token, remember_melder

ENDED = ("Uw sessie is verlopen, omdat u een tijd niets heeft verstuurd. Wat u typte is niet verloren: "
         "het staat hieronder. Vul uw code opnieuw in; daarna wordt het in één keer verstuurd.")
# The typed fields each form may carry, with the label they are shown under again.
TEXT_LABELS = {"text": "Uw tekst"}
# Choices kept as they were: shown under their label, or only carried along (None).
KEPT_CHOICES = {"answer": "Uw antwoord", "keep_metadata": None}
# Files cannot be put back into a form by the server: the page asks to choose them again.
FILE_FIELD = "attachments"


def melder_keeps_text(view):
    @wraps(view)
    def with_melder(*args, **kwargs):
        token = melder_token()
        try:
            ctx = melder_case.resume(use_case(), token)
            if ctx.case_key is None:
                raise Unauthorized()
        except Unauthorized:
            if request.method != "POST":
                raise
            opened = _open_with_code()
            if not isinstance(opened, ReporterContext):
                return opened  # the page again, with the text in it
            ctx = opened
        redo_after_rollback(lambda: melder_case.resume(use_case(), ctx.token))
        return view(ctx, *args, **kwargs)
    return with_melder


def _open_with_code():
    """A new session from the code in this request, or the page that asks for it again."""
    code = request.form.get("code")
    if code is None:
        return _ask_again(None, 401)
    key = melder_login_key()
    try:
        throttle().check_melder_login(key)
    except TooManyRequests as exc:
        return _ask_again(exc.message, 429)
    try:
        with attempt():
            ctx = melder_case.open_code_session(use_case(), request.form.get("org", ""), code)
    except Unauthorized as exc:
        throttle().melder_login_failed(key)
        return _ask_again(exc.message, 401)
    remember_melder(ctx)
    commit_login()  # the new session holds even when what the melder sends is then refused
    return ctx


def _ask_again(error: str | None, status: int):
    form = request.form
    texts = [(name, label, form.get(name, "")) for name, label in TEXT_LABELS.items() if name in form]
    choices = [(name, label, form.get(name)) for name, label in KEPT_CHOICES.items() if form.get(name) is not None]
    return render_template("reporter/resume.html", ended=ENDED, error=error, texts=texts, choices=choices,
                           files=FILE_FIELD in request.files, org_slug=form.get("org", ""),
                           action=request.path), status
