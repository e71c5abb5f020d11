"""Thai/English text layer: normalize, redact PII, language id, tokenize, near-duplicates, noise flags."""
