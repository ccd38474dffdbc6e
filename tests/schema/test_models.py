"""Rows go in and come back intact on SQLite and PostgreSQL; the constraints hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from transfer.schema.assets import Asset, TranslationAsset
from transfer.schema.base import ONLINE_SERVICE, PARTNERSHIP
from transfer.schema.content import ContentItem, ContentKind, ContentTranslation, EventDetail
from transfer.schema.discussions import DiscussionPost, DiscussionThread
from transfer.schema.platform import Member, Workspace
from transfer.schema.redirects import Redirect

HELSINKI_SUMMER = timezone(timedelta(hours=3))
HELSINKI_WINTER = timezone(timedelta(hours=2))
BASE = "https://kotoutuminen.fi"


def kind_id(session: Session, code: str) -> int:
    return session.scalars(select(ContentKind.id).where(ContentKind.code == code)).one()


def translation(language: str, slug: str, **fields: object) -> ContentTranslation:
    prefix = {"fi": "", "sv": "/sv", "en": "/en", "fi-x-selko": ""}[language]
    url = f"{BASE}{prefix}/-/{slug}"
    return ContentTranslation(
        source_system=ONLINE_SERVICE,
        source_key=url,
        language=language,
        title=f"Title {language}",
        new_path=f"/{language}/news/{slug}",
        old_url=url,
        **fields,
    )


def add_news_item(session: Session, key: str = f"{BASE}/-/uutinen") -> ContentItem:
    item = ContentItem(
        source_system=ONLINE_SERVICE, source_key=key, kind_id=kind_id(session, "news")
    )
    session.add(item)
    return item


def test_content_item_with_translations_event_asset_and_redirect(keha: Engine) -> None:
    published = datetime(2023, 9, 4, 9, 0, tzinfo=HELSINKI_SUMMER)
    in_english = datetime(2025, 3, 10, 14, 56, tzinfo=HELSINKI_WINTER)
    with Session(keha) as session:
        item = add_news_item(session)
        item.translations = [
            translation("fi", "uutinen", published_at=published, lead="Ingressi"),
            translation("sv", "nyhet", published_at=published),
            translation(
                "en",
                "news-item",
                published_at=published,
                published_in_english_at=in_english,
                has_outdated_banner=True,
            ),
            translation("fi-x-selko", "uutinen-selkosuomi", body_text="Helppo teksti."),
        ]
        item.event = EventDetail(
            source_system=ONLINE_SERVICE,
            source_key=f"{BASE}/tapahtumat/2025-05-01/tilaisuus",
            starts_at=datetime(2025, 5, 1, 9, 0, tzinfo=HELSINKI_SUMMER),
            ends_at=datetime(2025, 5, 1, 6, 0, tzinfo=UTC) + timedelta(hours=5),
            organiser="KEHA-keskus",
            online_url="https://teams.example/meet/1",
        )
        asset = Asset(
            source_system=ONLINE_SERVICE,
            source_key="/documents/1/2/raportti.pdf/abcd-ef",
            sha256="a" * 64,
            size_bytes=5_000_000_000,  # past 32 bits: BigInteger on both engines
            media_type="application/pdf",
            file_name="raportti.pdf",
            storage_path=f"sha256/aa/aa/{'a' * 64}",
            source_url=f"{BASE}/documents/1/2/raportti.pdf/abcd-ef?t=1700000000000",
        )
        session.flush()
        finnish = item.translations[0]
        session.add_all(
            [
                TranslationAsset(
                    source_system=ONLINE_SERVICE,
                    source_key=finnish.source_key,
                    translation_id=finnish.id,
                    asset=asset,
                    role="attachment",
                ),
                Redirect(
                    source_system=ONLINE_SERVICE,
                    source_key=finnish.source_key,
                    old_host="kotouttaminen.fi",
                    old_path="/-/uutinen?p_p_id=x",
                    new_path=finnish.new_path,
                    reason="legacy_host",
                    translation_id=finnish.id,
                ),
            ]
        )
        session.commit()
        item_id = item.id

    with Session(keha) as session:
        item = session.get_one(ContentItem, item_id)
        assert item.kind.code == "news"
        assert item.state == "published"
        by_language = {t.language: t for t in item.translations}
        assert set(by_language) == {"fi", "sv", "en", "fi-x-selko"}
        english = by_language["en"]
        assert english.published_at == published
        assert english.published_at is not None and english.published_at.tzinfo == UTC
        assert english.published_in_english_at == in_english
        assert english.has_outdated_banner and not english.is_frozen
        assert by_language["fi-x-selko"].published_at is None
        assert item.event is not None
        assert item.event.starts_at == datetime(2025, 5, 1, 6, 0, tzinfo=UTC)
        assert item.event.starts_at.tzinfo == UTC
        assert item.event.ends_at == datetime(2025, 5, 1, 11, 0, tzinfo=UTC)
        link = session.scalars(select(TranslationAsset)).one()
        assert link.translation_id == by_language["fi"].id
        assert link.asset.size_bytes == 5_000_000_000
        redirect = session.scalars(select(Redirect)).one()
        assert (redirect.status_code, redirect.new_path) == (301, "/fi/news/uutinen")


def test_post_by_a_deleted_member_keeps_its_times(keha: Engine) -> None:
    posted = datetime(2022, 1, 31, 23, 30, tzinfo=HELSINKI_WINTER)  # 21:30 UTC
    with Session(keha) as session:
        workspace = Workspace(source_system=PARTNERSHIP, source_key="site:20101", name="Verkosto")
        starter = Member(
            source_system=PARTNERSHIP,
            source_key="user:30101",
            display_name="Aino",
            last_login_at=posted,
        )
        thread = DiscussionThread(
            source_system=PARTNERSHIP,
            source_key="thread:40101",
            title="Tervetuloa",
            created_at=posted,
        )
        session.add_all([workspace, starter])
        session.flush()
        thread.workspace_id = workspace.id
        thread.author_member_id = starter.id
        thread.posts = [
            DiscussionPost(
                source_system=PARTNERSHIP,
                source_key="message:50101",
                body_html="<p>Hei</p>",
                created_at=posted,
                author_member_id=None,
                author_deleted=True,
            )
        ]
        session.add(thread)
        session.commit()

    with Session(keha) as session:
        post = session.scalars(select(DiscussionPost)).one()
        assert post.author is None and post.author_deleted
        assert post.created_at == datetime(2022, 1, 31, 21, 30, tzinfo=UTC)
        assert post.created_at.tzinfo == UTC
        assert post.thread.title == "Tervetuloa"
        member = session.scalars(select(Member)).one()
        assert member.status == "active" and not member.is_deleted
        assert member.last_login_at == posted


def test_two_translations_in_one_language_are_refused(keha: Engine) -> None:
    with Session(keha) as session:
        item = add_news_item(session)
        item.translations = [translation("fi", "uutinen"), translation("fi", "toinen")]
        with pytest.raises(IntegrityError):
            session.commit()


def test_two_redirects_for_one_old_address_are_refused(keha: Engine) -> None:
    def redirect(new_path: str) -> Redirect:
        return Redirect(
            source_system=ONLINE_SERVICE,
            source_key=f"{BASE}/-/uutinen",
            old_host="integration.fi",
            old_path="/en/-/news",
            new_path=new_path,
            reason="legacy_host",
        )

    with Session(keha) as session:
        session.add(redirect("/en/news/a"))
        session.commit()
        session.add(redirect("/en/news/b"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_source_key_is_unique_per_table(keha: Engine) -> None:
    with Session(keha) as session:
        add_news_item(session, key="same")
        add_news_item(session, key="same")
        with pytest.raises(IntegrityError):
            session.commit()


def test_unknown_language_is_refused(keha: Engine) -> None:
    with Session(keha) as session:
        item = add_news_item(session)
        item.translations = [translation("fi", "uutinen")]
        item.translations[0].language = "de"
        with pytest.raises(IntegrityError):
            session.commit()


def test_naive_datetime_is_refused(keha: Engine) -> None:
    with Session(keha) as session:
        item = add_news_item(session)
        item.translations = [translation("fi", "uutinen", published_at=datetime(2024, 1, 1))]
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()


def test_deleting_an_item_deletes_its_translations(keha: Engine) -> None:
    with Session(keha) as session:
        item = add_news_item(session)
        item.translations = [translation("fi", "uutinen"), translation("en", "news")]
        session.commit()
        session.delete(item)
        session.commit()
        assert session.scalar(select(func.count()).select_from(ContentTranslation)) == 0


def test_membership_to_a_missing_workspace_is_flagged(keha: Engine) -> None:
    from transfer.schema.platform import Membership

    with Session(keha) as session:
        member = Member(source_system=PARTNERSHIP, source_key="user:1", display_name="Eero")
        session.add(member)
        session.flush()
        session.add(
            Membership(
                source_system=PARTNERSHIP,
                source_key="user:1/site:404/member",
                member_id=member.id,
                role="member",
                workspace_missing=True,
                missing_workspace_key="site:404",
            )
        )
        session.commit()
        session.add(
            Membership(
                source_system=PARTNERSHIP,
                source_key="user:1/site:405/member",
                member_id=member.id,
                role="member",
            )
        )
        # No workspace, yet not flagged missing: the check constraint refuses it.
        with pytest.raises(IntegrityError):
            session.commit()
