"""Sentiment: the model interface, backends (linear, transformer), training, evaluation, promotion.

Importing this package is light; torch and transformers load only inside the transformer backend.
"""

from voc.sentiment.base import OUTPUT_COLUMNS, SentimentModel
from voc.sentiment.catalog import load_model
from voc.sentiment.config import SentimentConfig, TrainConfig

__all__ = ["OUTPUT_COLUMNS", "SentimentConfig", "SentimentModel", "TrainConfig", "load_model"]
