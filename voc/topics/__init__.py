"""Topics: a BERTopic model assembled from configured parts, themes above topics, and a registry across weeks.

Importing this package stays light: BERTopic, scikit-learn models and sentence-transformers
are imported inside the functions that fit.
"""

from voc.topics.config import ComponentConfig, TopicsConfig

__all__ = ["ComponentConfig", "TopicsConfig"]
