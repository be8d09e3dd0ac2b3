"""Low-level pieces every layer may use: they import nothing from the app."""
