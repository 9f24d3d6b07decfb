"""Pure masking: PII formats and checksums, display masks, pseudonyms, recognizers."""
