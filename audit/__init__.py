"""Pure audit domain: event types, canonical encoding, hash chain, verifier, checkpoints, ports."""
