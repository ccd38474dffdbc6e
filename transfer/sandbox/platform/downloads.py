"""Document downloads through the portal servlet: ``/documents/{group}/{folder}/{name}/{uuid}``.

This is the classic portal, not ``/o/``: it takes the same credentials (Basic, a live bearer
token, or a signed-in session cookie), and sends anyone else with a 302 to the sign-in page,
which answers 200 with HTML. A client that follows redirects must not store that page as the
file. ``?version=1.0`` fetches that version (older versions stay downloadable after a file
is replaced); without it, the latest. Files whose stored body is gone answer 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from transfer.sandbox.platform.auth import Authenticator
from transfer.sandbox.platform.files import FileStore
from transfer.sandbox.platform.model import World
from transfer.sandbox.platform.pages import not_found_page
from transfer.sandbox.wire import Request, Response


def sign_in_redirect(request: Request) -> Response:
    """302 to ``/c/portal/login?redirect=<the original request, encoded>``."""
    return Response.redirect(
        f"/c/portal/login?redirect={quote(request.raw_path, safe='')}", status=302
    )


def download(
    world: World,
    files: FileStore,
    auth: Authenticator,
    request: Request,
    *,
    stale_token_404: bool = False,
) -> Response:
    """Serve a document version, or the sign-in redirect, or the portal's 404 page.

    With ``stale_token_404`` (the ``stale-token-downloads`` variant) an expired or unknown
    bearer token gets the 404 page instead of the sign-in redirect, as some portals answer:
    indistinguishable from a missing file but for a fresh token."""
    if not auth.portal_access(request):
        bearer = request.header("authorization").strip().lower().startswith("bearer")
        if stale_token_404 and bearer:
            return not_found_page()
        return sign_in_redirect(request)
    # Split the raw path: a file name may hold an encoded slash or plus sign.
    parts = urlsplit(request.raw_path).path.split("/")
    if len(parts) != 6:
        return not_found_page()
    # Like Liferay's WebServerServlet, find the file by uuid within the group; the folder
    # and file-name segments are decoration.
    group, uuid = parts[2], parts[5]
    document_id = world.index.document_by_uuid.get(uuid)
    document = world.documents.get(document_id) if document_id is not None else None
    if document is None or str(document.site_id) != group or document.missing:
        return not_found_page()
    version = len(document.versions) - 1
    wanted = request.param("version")
    if wanted:
        major, _, minor = wanted.partition(".")
        if major != "1" or not minor.isdigit() or int(minor) >= len(document.versions):
            return not_found_page()
        version = int(minor)
    digest = files.facts(document, version)[1]
    modified = datetime.fromtimestamp(document.versions[version] // 1000, UTC)
    plain = document.file_name.encode("ascii", "replace").decode().replace('"', "'")
    headers = [
        (
            "Content-Disposition",
            f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(document.file_name)}",
        ),
        ("Cache-Control", "private"),
    ]
    return Response(
        status=200,
        body=files.body(document, version),
        content_type=document.mime,
        headers=headers,
        etag=digest[:32],
        last_modified=modified,
    )
