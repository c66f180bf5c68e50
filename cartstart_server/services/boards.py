"""Live selling's boards: widgets on a session's board or the store's public one, approvals, and
the images uploaded for them. Who speaks is a `Speaker` (services/selling.py)."""

from __future__ import annotations

import asyncio
import secrets

from pydantic import TypeAdapter

from shared_protocol.live import Approve, BoardChanged, LiveResult, Post

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import selling as rules
from ..domain.selling import Speaker
from ..domain.topics import Frame, live_lobby_topic, live_public_topic
from ..storage import boards, selling
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from .commits import Committer, once
from .uploads import clean_image

_RESULT = TypeAdapter(LiveResult)


class Boards:
    def __init__(self, committer: Committer, db: Database, clock: Clock, config: HubConfig) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock
        self._config = config

    async def announce(self, topic: str, message: BoardChanged) -> None:
        await self._committer.announce(topic, Frame(message.model_dump_json()))

    async def post(self, speaker: Speaker, cmd: Post) -> LiveResult:
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                yield from selling.require_session(speaker.session_id)
                view, _ = yield from boards.post(
                    fx,
                    store_id=speaker.store_id,
                    widget_id=cred.new_id("w"),
                    widget_in=cmd.widget,
                    author=speaker.side,
                    session_id=speaker.session_id,
                    public=cmd.public,
                    now=now,
                )
                return LiveResult(id=cmd.id, widget=view)

            principal = f"live:{speaker.session_id}:{speaker.side}"
            return once(principal, cmd, cmd.id, inner(), _RESULT, now)

        result = await self._committer.commit(plan)
        widget = result.widget
        if widget is not None and widget.public:
            if widget.approved:
                await self.announce(
                    live_public_topic(speaker.store_id), BoardChanged(widget=widget)
                )
            else:
                await self.announce(live_lobby_topic(speaker.store_id), BoardChanged(widget=widget))
        return result

    async def store_post(self, store_id: str, cmd: Post) -> LiveResult:
        """The store posts on its public board (from the lobby, outside any session)."""
        now = self._clock.now()

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                view, _ = yield from boards.post(
                    fx,
                    store_id=store_id,
                    widget_id=cred.new_id("w"),
                    widget_in=cmd.widget,
                    author="store",
                    session_id=None,
                    public=True,
                    now=now,
                )
                return LiveResult(id=cmd.id, widget=view)

            return once(f"live-board:{store_id}", cmd, cmd.id, inner(), _RESULT, now)

        result = await self._committer.commit(plan)
        for topic in (live_public_topic(store_id), live_lobby_topic(store_id)):
            await self.announce(topic, BoardChanged(widget=result.widget))
        return result

    async def remove_widget(self, speaker: Speaker | None, store_id: str, widget_id: str) -> None:
        """`speaker` None: the store, outside any session."""
        now = self._clock.now()
        public = False

        def plan(fx: Effects) -> Plan[None]:
            nonlocal public
            row = yield from boards.widget(widget_id)
            visible = row is not None and row["store_id"] == store_id
            if speaker is not None and visible and row is not None:
                visible = speaker.side == "store" or row["author_session"] == speaker.session_id
                visible = visible or row["session_id"] == speaker.session_id
            if row is None or not visible:
                raise rules.not_found("widget")
            if speaker is not None and not rules.may_remove(
                speaker, row["author"], row["author_session"]
            ):
                raise rules.not_yours()
            public = row["session_id"] is None
            yield from boards.remove(fx, row, now)

        await self._committer.commit(plan)
        if public:
            for topic in (live_public_topic(store_id), live_lobby_topic(store_id)):
                await self.announce(topic, BoardChanged(removed=widget_id))

    async def approve(self, store_id: str, cmd: Approve) -> LiveResult:
        row = await self._db.read(boards.widget(cmd.widget_id))
        if row is None or row["store_id"] != store_id or row["session_id"] is not None:
            raise rules.not_found("widget")
        now = self._clock.now()
        widget = await self._committer.commit(lambda fx: boards.approve(fx, row, now))
        for topic in (live_public_topic(store_id), live_lobby_topic(store_id)):
            await self.announce(topic, BoardChanged(widget=widget))
        return LiveResult(id=cmd.id, widget=widget)

    # ---- uploads ------------------------------------------------------------------------------

    async def upload(self, store_id: str, session_id: str | None, data: bytes) -> tuple[str, str]:
        """Store an image after decoding it (PNG, JPEG or WebP, metadata dropped). Returns the
        upload's id and its address."""
        content_type, clean = await asyncio.to_thread(
            clean_image, data, self._config.max_upload_bytes
        )
        upload_id = cred.new_id("u") + secrets.token_hex(8)  # 128 random bits: the id is the key
        now = self._clock.now()
        await self._db.write(
            boards.save_upload(upload_id, store_id, session_id, content_type, clean, now)
        )
        return upload_id, boards.UPLOAD_PATH + upload_id

    async def image(self, upload_id: str) -> tuple[str, bytes]:
        found = await self._db.read(boards.upload(upload_id))
        if found is None:
            raise rules.not_found("image")
        return found
