"""End-to-end tests: cdp.client against a real `cdp serve` process."""
