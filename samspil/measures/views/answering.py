"""The answering page: `answer/<token>/`, without an account, phone first.

It shows only the child's first name (or "your family"), the questionnaire's name and
introduction, and the questions. Answers are saved on "Save and continue later" and, with
scripts, on every change (HTMX, which also reveals follow-up questions); without scripts the page
re-renders with them. Submitting scores and stores the answers and spends the link.

An unknown token answers 404, a link that was used, expired, revoked or cancelled 410, each with
a page saying what to do. Every answer carries `Cache-Control: no-store`, `X-Robots-Tag: noindex`
and `Referrer-Policy: strict-origin`: the token is in the URL and must never travel in a
`Referer` header, and with `strict-origin` no request from the page carries more than the
origin. (`no-referrer` would do the same for the Referer, but then browsers send `Origin: null`
with the page's own form posts, which Django's CSRF check refuses: the page would not work
without scripts.) CSRF works without a login (Django's CSRF cookie)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from samspil.measures.forms.answering import AnswerForm, merged_data
from samspil.measures.models import AnswerLink, Response
from samspil.measures.selectors import measurements as selectors
from samspil.measures.services import links

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "strict-origin",
    "X-Robots-Tag": "noindex",
}


def _private(response: HttpResponse) -> HttpResponse:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def _gone(request: HttpRequest, state: str) -> HttpResponse:
    status = 404 if state == "unknown" else 410
    return _private(render(request, "measures/answer_gone.html", {"state": state}, status=status))


def _gone_now(request: HttpRequest, link: AnswerLink) -> HttpResponse:
    """The gone page for a link that stopped working while the page was open."""
    link.refresh_from_db()
    link.measurement.refresh_from_db()
    return _gone(request, links.link_state(link))


@login_not_required
def answer(request: HttpRequest, token: str) -> HttpResponse:
    link = links.link_for_token(token)
    if link is None:
        return _gone(request, "unknown")
    state = links.link_state(link)
    if state != "open":
        return _gone(request, state)
    if request.method == "POST":
        return _post(request, link)
    response = links.open_link(link=link)
    page = selectors.answer_page(link, response)
    form = AnswerForm(definition=page.definition, texts=page.texts, saved=response.answers)
    return _page(request, page, form)


def _page(
    request: HttpRequest,
    page: selectors.AnswerPage,
    form: AnswerForm,
    *,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"page": page, "form": form, "notice": notice}
    return _private(render(request, "measures/answer_page.html", context, status=status))


def _post(request: HttpRequest, link: AnswerLink) -> HttpResponse:
    response = links.open_link(link=link, audit=False)
    page = selectors.answer_page(link, response)
    form = AnswerForm(
        merged_data(response.answers, request.POST),
        definition=page.definition,
        texts=page.texts,
        saved=response.answers,
    )
    action = request.POST.get("action", "")
    htmx = bool(request.headers.get("HX-Request"))
    if not form.is_valid():
        if htmx:
            return _private(HttpResponse(status=204))
        return _page(request, page, form, status=422)
    answers = form.answers()
    if action == "submit":
        return _submit(request, link, response, page, form, answers)
    try:
        links.save_by_link(link=link, answers=answers)
    except ValidationError as error:
        if error.code == "gone":
            return _gone_now(request, link)
        form.add_error(None, error)
        return _page(request, page, form, status=422)
    if htmx:
        return _autosaved(request, form, page)
    return _page(
        request,
        page,
        form,
        notice=_(
            "Your answers are saved. You can close the page and open the same link later to "
            "continue."
        ),
    )


def _autosaved(request: HttpRequest, form: AnswerForm, page: selectors.AnswerPage) -> HttpResponse:
    """After an HTMX save: the follow-up questions of the gate that changed (shown or hidden
    now), or nothing to swap."""
    trigger = request.headers.get("HX-Trigger", "")
    gate = trigger.removeprefix("q-") if trigger.startswith("q-") else ""
    block = form.block_after(gate) if gate else None
    if block is None:
        return _private(HttpResponse(status=204))
    return _private(
        render(request, "measures/answer_page.html#followups", {"block": block, "page": page})
    )


def _submit(
    request: HttpRequest,
    link: AnswerLink,
    response: Response,
    page: selectors.AnswerPage,
    form: AnswerForm,
    answers: dict[str, int | str | None],
) -> HttpResponse:
    if form.newly_shown(answers, request.POST.getlist("shown")):
        # Without scripts the follow-up questions appear only now: show them first.
        links.save_by_link(link=link, answers=answers)
        fresh = AnswerForm(
            merged_data(answers, {}), definition=page.definition, texts=page.texts, saved=answers
        )
        return _page(
            request,
            page,
            fresh,
            notice=_("Please answer the follow-up questions that are now shown, then submit."),
        )
    try:
        links.submit_by_link(link=link, answers=answers)
    except ValidationError as error:
        if error.code == "gone":
            return _gone_now(request, link)
        links.save_by_link(link=link, answers=answers)
        form.add_error(None, error)
        return _page(request, page, form, status=422)
    return redirect("measures:answer_thanks")


@login_not_required
def answer_thanks(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "measures/answer_thanks.html"))


urlpatterns: list[URLPattern] = [
    path("answer/thank-you/", answer_thanks, name="answer_thanks"),
    path("answer/<str:token>/", answer, name="answer"),
]
