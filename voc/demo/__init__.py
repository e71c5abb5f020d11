"""A realistic multi-channel sample for trying voc: generator, config, and the one-command demo."""
