"""Pure consent domain: purposes, events, the fold from events to state (skeleton)."""
