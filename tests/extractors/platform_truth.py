"""What an export stages beside the sandbox's workspaces: the sites that are not workspaces
(the portal's default site) and the membership of every account in them. The export keeps
the source whole; the mappings leave these out by rule."""

from __future__ import annotations

from typing import Any


def site_ids(truth: dict[str, Any]) -> set[str]:
    """Every site the API serves: the workspaces and the sites that are not workspaces."""
    sites = truth["workspaces"] + truth["non_workspace_sites"]
    return {str(site["id"]) for site in sites}


def default_site_memberships(truth: dict[str, Any]) -> set[str]:
    """``site:member`` of every account in every site that is no workspace."""
    return {
        f"{site['id']}:{member['id']}"
        for site in truth["non_workspace_sites"]
        for member in truth["members"]
    }
