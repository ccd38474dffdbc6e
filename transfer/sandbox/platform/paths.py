"""The API's paths: each with the Liferay resource method it imitates and its handler.

Operation names are those of Liferay's ``*ResourceImpl`` classes; a guest's 403 names them,
as the portal's service access policy does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transfer.sandbox.platform import resources as r
from transfer.sandbox.platform.resources import Handler

ADMIN = "/o/headless-admin-user/v1.0"
DELIVERY = "/o/headless-delivery/v1.0"

_ADMIN: dict[str, tuple[str, Handler]] = {
    "/my-user-account": ("UserAccount#getMyUserAccount", r.my_account),
    "/my-user-account/sites": ("Site#getMyUserAccountSitesPage", r.my_sites),
    "/sites/by-friendly-url-path/{path}": ("Site#getSiteByFriendlyUrlPath", r.by_url),
    "/sites/{site}": ("Site#getSite", r.single("site", "sites", "site")),
    "/sites/{site}/user-accounts": ("UserAccount#getSiteUserAccountsPage", r.site_members),
    "/user-accounts": ("UserAccount#getUserAccountsPage", r.all_members),
    "/user-accounts/by-email-address/{email}": (
        "UserAccount#getUserAccountByEmailAddress",
        r.by_email,
    ),
    "/user-accounts/by-status/{status}": ("UserAccount#getUserAccountsByStatusPage", r.by_status),
    "/user-accounts/{user}": ("UserAccount#getUserAccount", r.single("user", "members", "user")),
    "/organizations": ("Organization#getOrganizationsPage", r.organizations),
    "/organizations/{org}": (
        "Organization#getOrganization",
        r.single("organization", "organizations", "org"),
    ),
    "/organizations/{org}/organizations": (
        "Organization#getOrganizationChildOrganizationsPage",
        r.organizations,
    ),
    "/organizations/{org}/user-accounts": (
        "UserAccount#getOrganizationUserAccountsPage",
        r.organization_members,
    ),
    "/roles": ("Role#getRolesPage", r.roles),
    "/roles/{role}": ("Role#getRole", r.role),
}
_DELIVERY: dict[str, tuple[str, Handler]] = {
    "/sites/{site}/message-board-sections": (
        "MessageBoardSection#getSiteMessageBoardSectionsPage",
        r.site_list("section", "site_sections", "section_children"),
    ),
    "/message-board-sections/{section}": (
        "MessageBoardSection#getMessageBoardSection",
        r.single("section", "sections", "section"),
    ),
    "/message-board-sections/{section}/message-board-sections": (
        "MessageBoardSection#getMessageBoardSectionMessageBoardSectionsPage",
        r.children("section", "sections", "section_children", "section"),
    ),
    "/message-board-sections/{section}/message-board-threads": (
        "MessageBoardThread#getMessageBoardSectionMessageBoardThreadsPage",
        r.children("thread", "sections", "section_threads", "section"),
    ),
    "/sites/{site}/message-board-threads": (
        "MessageBoardThread#getSiteMessageBoardThreadsPage",
        r.site_list("thread", "site_threads", "section_threads"),
    ),
    "/message-board-threads/{thread}": (
        "MessageBoardThread#getMessageBoardThread",
        r.single("thread", "threads", "thread"),
    ),
    "/message-board-threads/{thread}/message-board-messages": (
        "MessageBoardMessage#getMessageBoardThreadMessageBoardMessagesPage",
        r.thread_messages,
    ),
    "/message-board-threads/{thread}/message-board-attachments": (
        "MessageBoardAttachment#getMessageBoardThreadMessageBoardAttachmentsPage",
        r.no_attachments("threads", "thread"),
    ),
    "/message-board-messages/{message}": (
        "MessageBoardMessage#getMessageBoardMessage",
        r.single("message", "messages", "message"),
    ),
    "/message-board-messages/{message}/message-board-messages": (
        "MessageBoardMessage#getMessageBoardMessageMessageBoardMessagesPage",
        r.child_messages,
    ),
    "/message-board-messages/{message}/message-board-attachments": (
        "MessageBoardAttachment#getMessageBoardMessageMessageBoardAttachmentsPage",
        r.no_attachments("messages", "message"),
    ),
    "/sites/{site}/message-board-messages": (
        "MessageBoardMessage#getSiteMessageBoardMessagesPage",
        r.site_messages,
    ),
    "/sites/{site}/documents": (
        "Document#getSiteDocumentsPage",
        r.site_list("document", "site_documents", "folder_documents"),
    ),
    "/sites/{site}/document-folders": (
        "DocumentFolder#getSiteDocumentFoldersPage",
        r.site_list("folder", "site_folders", "folder_children"),
    ),
    "/document-folders/{folder}": (
        "DocumentFolder#getDocumentFolder",
        r.single("folder", "folders", "folder"),
    ),
    "/document-folders/{folder}/documents": (
        "Document#getDocumentFolderDocumentsPage",
        r.folder_documents,
    ),
    "/document-folders/{folder}/document-folders": (
        "DocumentFolder#getDocumentFolderDocumentFoldersPage",
        r.children("folder", "folders", "folder_children", "folder"),
    ),
    "/documents/{document}": (
        "Document#getDocument",
        r.single("document", "documents", "document"),
    ),
}
_PACKAGES = {
    ADMIN: "com.liferay.headless.admin.user.internal.resource.v1_0.",
    DELIVERY: "com.liferay.headless.delivery.internal.resource.v1_0.",
}


@dataclass(frozen=True)
class Route:
    base: str  # /o/headless-admin-user/v1.0 or /o/headless-delivery/v1.0
    template: str  # the path below the application base, as in LIFERAY-API.md
    pattern: re.Pattern[str]
    operation: str  # e.g. com.liferay…DocumentResourceImpl#getSiteDocumentsPage
    handler: Handler


def _route(base: str, template: str, operation: str, handler: Handler) -> Route:
    pattern = re.sub(r"\{(\w+)\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", template)
    pattern = pattern.replace("(?P<path>[^/]+)", "(?P<path>.+)")  # friendly URLs may nest
    resource, _, method = operation.partition("#")
    return Route(
        base,
        template,
        re.compile(re.escape(base) + pattern),
        f"{_PACKAGES[base]}{resource}ResourceImpl#{method}",
        handler,
    )


ROUTES = tuple(
    _route(base, template, *spec)
    for base, table in ((ADMIN, _ADMIN), (DELIVERY, _DELIVERY))
    for template, spec in table.items()
)


def match(path: str) -> tuple[Route, dict[str, str]] | None:
    """The route serving ``path`` (a trailing slash ignored) and its path parameters."""
    path = path.rstrip("/") or "/"
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if found:
            return route, found.groupdict()
    return None
