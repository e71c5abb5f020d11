"""The sentiment backends, registered in one place by their versioned names.

Importing this module is cheap: the transformer backend imports torch only when a model is
trained or loaded. A new backend subclasses ``SentimentModel`` and is added here.
"""

from __future__ import annotations

from voc.registry import Registry
from voc.sentiment.base import SentimentModel
from voc.sentiment.linear import LinearSentimentModel
from voc.sentiment.routed import RoutedSentimentModel
from voc.sentiment.transformer import TransformerSentimentModel

backends: Registry[type[SentimentModel]] = Registry("sentiment")
"""Model classes by versioned backend name (``sentiment.linear.v1``...)."""

backends.register(LinearSentimentModel.backend)(LinearSentimentModel)
backends.register(TransformerSentimentModel.backend)(TransformerSentimentModel)
backends.register(RoutedSentimentModel.backend)(RoutedSentimentModel)
