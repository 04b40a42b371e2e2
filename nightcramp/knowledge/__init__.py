"""Clinical knowledge as data: the bibliography, the screening rules and the medicine list. No Django.

``from nightcramp.knowledge import load`` gives the validated, cached :class:`Knowledge`.
"""

from __future__ import annotations

from nightcramp.knowledge.loader import Knowledge, KnowledgeError, load, load_from, match_medicine

__all__ = ["Knowledge", "KnowledgeError", "load", "load_from", "match_medicine"]
