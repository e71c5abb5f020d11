"""Weekly insight tables: topic and sentiment changes, emerging topics, rating drivers, data quality."""

from voc.insights.config import InsightsConfig

__all__ = ["InsightsConfig"]
