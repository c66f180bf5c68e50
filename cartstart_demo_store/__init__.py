"""The demo: a small Starlette shop that sells through CartStart, and a demo federation.

`cartstart-demo-store` is one shop. It keeps its own catalogue, registers it with a hub through
the store API client (storefront_templates.store_api; its key comes from $CARTSTART_STORE_KEY,
never a file), serves pages that embed the widget, and has a shop counter where the owner sells
over the counter, so shop and online stock are one.

`cartstart-demo` (`make demo`) runs a hub with `cartstart-server` and two of these shops. Like
any shop, this package never imports the hub's code (cartstart_server).
"""
