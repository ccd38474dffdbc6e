"""The sign-in page (``/c/portal/login``) and sign-out, for cookie-and-``p_auth`` access.

``GET /c/portal/login`` starts a session (``JSESSIONID`` cookie) and shows a form holding the
session's CSRF token ``p_auth``. Posting the export account's e-mail and password with that
token signs in: the session id changes (against fixation), the answer is a 302 to the
``redirect`` parameter (a local path) and ``Liferay.authToken`` on every page then holds the
``p_auth`` the API wants. The form's field names are the login portlet's namespaced ones;
plain ``login``/``password`` work too.
"""

from __future__ import annotations

from html import escape

from transfer.sandbox.platform import pages
from transfer.sandbox.platform.auth import Authenticator, Session
from transfer.sandbox.wire import Request, Response

_NS = "_com_liferay_login_web_portlet_LoginPortlet_"


def _cookie(session: Session) -> tuple[str, str]:
    return ("Set-Cookie", f"JSESSIONID={session.id}; Path=/; HttpOnly; SameSite=Lax")


def _local(target: str) -> str:
    """Only same-site redirects: a path, never another host."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _form(session: Session, redirect: str, failed: bool) -> Response:
    error = (
        ('<div class="alert alert-danger">Todentaminen epäonnistui. Yritä uudelleen.</div>')
        if failed
        else ""
    )
    body = (
        f'<section class="portlet-login"><h1>Kirjaudu sisään</h1>{error}'
        f'<form action="/c/portal/login" method="post" name="{_NS}fm">'
        f'<input name="p_auth" type="hidden" value="{session.p_auth}" />'
        f'<input name="{_NS}redirect" type="hidden" value="{escape(redirect)}" />'
        f'<label for="{_NS}login">Sähköpostiosoite</label>'
        f'<input id="{_NS}login" name="{_NS}login" type="text" />'
        f'<label for="{_NS}password">Salasana</label>'
        f'<input id="{_NS}password" name="{_NS}password" type="password" />'
        '<button type="submit">Kirjaudu sisään</button></form></section>'
    )
    html = pages.layout(
        "fi", "Kirjaudu sisään", body, {"fi": "/c/portal/login"}, session.p_auth
    ).encode("utf-8")
    return Response(status=200, body=html, headers=[_cookie(session)], cacheable=False)


def login(auth: Authenticator, request: Request) -> Response:
    """``/c/portal/login``: the form on GET, the sign-in on POST."""
    if request.method == "POST":
        form = request.form()
        user = form.get(f"{_NS}login") or form.get("login", "")
        password = form.get(f"{_NS}password") or form.get("password", "")
        redirect = _local(
            form.get(f"{_NS}redirect") or form.get("redirect") or request.param("redirect") or "/"
        )
        session = auth.sign_in(request, user, password)
        if session is None:
            current = auth.session_of(request) or auth.new_session()
            return _form(current, redirect, failed=True)
        response = Response.redirect(redirect, status=302)
        response.headers.append(_cookie(session))
        return response
    session = auth.session_of(request) or auth.new_session()
    return _form(session, _local(request.param("redirect") or "/"), failed=False)


def logout(auth: Authenticator, request: Request) -> Response:
    auth.sign_out(request)
    response = Response.redirect("/", status=302)
    response.headers.append(("Set-Cookie", "JSESSIONID=; Path=/; Max-Age=0"))
    return response
