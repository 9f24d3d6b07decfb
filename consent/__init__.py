"""Pure consent core: purposes, notices, events, the fold from events to state, and verdicts."""
