"""`cartstart-demo-store`: a small Starlette shop that sells through CartStart.

It keeps its own catalogue, registers it with a hub through the store API (its key comes from
$CARTSTART_STORE_KEY, never a file), serves pages that embed the widget, and has a shop counter
where the owner sells over the counter, so shop and online stock are one.
"""
