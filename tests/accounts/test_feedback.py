"""Confirmations placed where the action happened (accounts/feedback.py): shown at their place,
left out of the top of the page, and shown at the end when the page did not draw their place."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import RequestContext, Template

from accounts.feedback import feedback, feedback_redirect

PAGE = Template(
    '<top>{% include "includes/_messages.html" %}</top>'
    '<here>{% feedback_at "row-3" %}</here>'
    "<end>{% feedback_unplaced %}</end>"
)


def _request(rf):
    request = rf.get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _render(request) -> str:
    return PAGE.render(RequestContext(request, {"messages": get_messages(request)}))


def test_a_confirmation_shows_at_its_place_and_not_at_the_top(rf):
    request = _request(rf)
    feedback(request, "Saved for row 3.", at="row-3")

    html = _render(request)

    assert "Saved for row 3." in html.split("<here>")[1].split("</here>")[0]
    assert "Saved for row 3." not in html.split("</top>")[0]
    assert "Saved for row 3." not in html.split("<end>")[1]


def test_a_confirmation_whose_place_is_not_on_the_page_shows_at_the_end(rf):
    request = _request(rf)
    feedback(request, "Saved for row 70.", at="row-70")

    html = _render(request)

    assert "Saved for row 70." in html.split("<end>")[1]
    assert 'role="status"' in html.split("<end>")[1]


def test_the_redirect_opens_the_page_at_the_place(rf):
    request = _request(rf)

    response = feedback_redirect(request, "/staff/?page=2#old", "Done.", at="staff-9")

    assert response.url == "/staff/?page=2#staff-9"
