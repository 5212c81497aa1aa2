"""The web layer: one blueprint per actor, plus the v1 JSON API."""
