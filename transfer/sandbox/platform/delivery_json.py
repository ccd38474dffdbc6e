"""Headless-delivery entities → JSON: message boards and documents (conventions as in
serializers.py).

Message boards print a thread's headline, body and dates from its root message. A message's
``numberOfMessageBoardMessages`` counts its direct replies; a thread's counts every reply. A
post of a deleted member carries either a creator with the deleted account's id and a
generic name, or no ``creator`` at all (what Liferay prints when the user row is gone).
"""

from __future__ import annotations

from base64 import b64encode
from urllib.parse import quote_plus

from transfer.sandbox.platform.files import FileStore
from transfer.sandbox.platform.model import Document, Folder, Message, Section, Thread, World
from transfer.sandbox.platform.serial import iso
from transfer.sandbox.platform.serializers import DELIVERY_BASE, Json, View, actions, creator

_READ_WRITE = (("delete", "DELETE"), ("get", "GET"), ("replace", "PUT"), ("update", "PATCH"))


def section(world: World, section_: Section, view: View) -> Json:
    ix = world.index
    out: Json = {
        "actions": actions(DELIVERY_BASE, f"/message-board-sections/{section_.id}", *_READ_WRITE),
        "creator": creator(world, section_.creator_id),
        "dateCreated": iso(section_.created),
        "dateModified": iso(section_.modified),
        "description": section_.description,
        "friendlyUrlPath": section_.friendly_url,
        "id": section_.id,
        "numberOfMessageBoardSections": len(
            ix.section_children.get((section_.site_id, section_.id), [])
        ),
        "numberOfMessageBoardThreads": len(
            ix.section_threads.get((section_.site_id, section_.id), [])
        ),
        "siteId": section_.site_id,
        "subscribed": False,
        "title": section_.title,
    }
    if section_.parent_id:
        out["parentMessageBoardSectionId"] = section_.parent_id
    return out


def _creator_of(world: World, message: Message, out: Json) -> None:
    if message.creator_kind != "deleted-absent":
        out["creator"] = creator(world, message.creator_id)


def thread(world: World, thread_: Thread, view: View) -> Json:
    root = world.messages[thread_.root_id]
    in_thread = [world.messages[i] for i in world.index.thread_messages.get(thread_.id, [])]
    out: Json = {
        "actions": actions(DELIVERY_BASE, f"/message-board-threads/{thread_.id}", *_READ_WRITE),
        "articleBody": root.body,
        "dateCreated": iso(root.created),
        "dateModified": iso(root.modified),
        "encodingFormat": root.encoding,
        "friendlyUrlPath": root.friendly_url,
        "hasValidAnswer": any(m.answer for m in in_thread),
        "headline": root.headline,
        "id": thread_.id,
        "keywords": list(thread_.keywords),
        "lastPostDate": iso(max(m.created for m in in_thread)),
        "locked": False,
        "messageBoardRootMessageId": root.id,
        "messageBoardSectionId": thread_.section_id,
        "numberOfMessageBoardAttachments": 0,
        "numberOfMessageBoardMessages": len(in_thread) - 1,
        "seen": False,
        "showAsQuestion": thread_.question,
        "siteId": thread_.site_id,
        "status": "approved",
        "subscribed": False,
        "taxonomyCategoryBriefs": [],
        "threadType": thread_.thread_type,
        "viewCount": thread_.view_count,
    }
    _creator_of(world, root, out)
    return out


def message(world: World, message_: Message, view: View) -> Json:
    out: Json = {
        "actions": actions(DELIVERY_BASE, f"/message-board-messages/{message_.id}", *_READ_WRITE),
        "anonymous": False,
        "articleBody": message_.body,
        "dateCreated": iso(message_.created),
        "dateModified": iso(message_.modified),
        "encodingFormat": message_.encoding,
        "externalReferenceCode": message_.erc,
        "friendlyUrlPath": message_.friendly_url,
        "headline": message_.headline,
        "id": message_.id,
        "keywords": [],
        "messageBoardSectionId": message_.section_id,
        "messageBoardThreadId": message_.thread_id,
        "modified": message_.revision > 0,
        "numberOfMessageBoardAttachments": 0,
        "numberOfMessageBoardMessages": len(world.index.message_children.get(message_.id, [])),
        "showAsAnswer": message_.answer,
        "siteId": message_.site_id,
        "status": "approved",
        "subscribed": False,
    }
    if message_.parent_id:
        out["parentMessageBoardMessageId"] = message_.parent_id
    _creator_of(world, message_, out)
    return out


def folder(world: World, folder_: Folder, view: View) -> Json:
    ix = world.index
    out: Json = {
        "actions": actions(DELIVERY_BASE, f"/document-folders/{folder_.id}", *_READ_WRITE),
        "creator": creator(world, folder_.creator_id),
        "dateCreated": iso(folder_.created),
        "dateModified": iso(folder_.modified),
        "externalReferenceCode": f"FOLDER-{folder_.id}",
        "id": folder_.id,
        "name": folder_.name,
        "numberOfDocumentFolders": len(ix.folder_children.get((folder_.site_id, folder_.id), [])),
        "numberOfDocuments": len(ix.folder_documents.get((folder_.site_id, folder_.id), [])),
        "siteId": folder_.site_id,
        "subscribed": False,
    }
    if folder_.description:
        out["description"] = folder_.description
    if folder_.parent_id:
        out["parentDocumentFolderId"] = folder_.parent_id
    return out


def content_url(document: Document, size: int) -> str:
    """Liferay's relative download URL (``DLURLHelper.getDownloadURL``); empty for size 0."""
    if size == 0:
        return ""
    return (
        f"/documents/{document.site_id}/{document.folder_id}/"
        f"{quote_plus(document.file_name)}/{document.uuid}"
        f"?version={document.version}&t={document.versions[-1]}&download=true"
    )


def document(world: World, document_: Document, view: View, files: FileStore) -> Json:
    size = files.size(document_)
    out: Json = {
        "actions": actions(DELIVERY_BASE, f"/documents/{document_.id}", *_READ_WRITE),
        "adaptedImages": [],
        "contentUrl": content_url(document_, size),
        "creator": creator(world, document_.creator_id),
        "dateCreated": iso(document_.created),
        "dateModified": iso(document_.modified),
        "documentFolderId": document_.folder_id,
        "encodingFormat": document_.mime,
        "externalReferenceCode": document_.uuid,
        "fileExtension": document_.extension,
        "fileName": document_.file_name,
        "friendlyUrlPath": document_.uuid,
        "id": document_.id,
        "keywords": [],
        "numberOfComments": 0,
        "relatedContents": [],
        "siteId": document_.site_id,
        "sizeInBytes": size,
        "taxonomyCategoryBriefs": [],
        "title": document_.title,
    }
    if document_.description:
        out["description"] = document_.description
    # A file missing from the store has no content to embed; the field is left out.
    if view.content_value and not document_.missing:
        out["contentValue"] = b64encode(files.body(document_)).decode("ascii")
    return out
