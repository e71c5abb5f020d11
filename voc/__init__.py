"""voc: Voice-of-Customer text mining for Thai and English."""

__version__ = "0.1.0"
