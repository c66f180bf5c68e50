"""Qt widgets and item models that render the core's state and forward the shopper's intents."""
