"""Campaigns: audience snapshot + channel + content, consent-checked send, the response loop."""
