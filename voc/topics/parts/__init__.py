"""The parts a topic model is assembled from: one module per kind, one typed interface per kind.

``base`` holds the interfaces (``Embedder``, ``Reducer``, ``Clusterer``, ``Representation``) and
the four registries; ``embedders``, ``reducers``, ``clusterers`` and ``representations`` hold the
backends; ``registrations`` is the one place that names them. Heavy libraries are imported
inside the backends, so naming a backend in a config costs nothing.
"""

from voc.topics.parts.registrations import build, validate_component

__all__ = ["build", "validate_component"]
