"""Ephemeral state that lives while someone beats: rosters of who is here (base.py), in memory
on one node or in Redis shared by several. Nothing here is durable; the database never sees it."""
