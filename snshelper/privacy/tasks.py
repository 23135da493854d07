"""Jobs of the privacy engine (Huey finds them here): each calls one service and stays thin."""
