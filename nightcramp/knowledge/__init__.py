"""Clinical knowledge as data: the bibliography, the screening rules and the medicine list. No Django.

``from nightcramp.knowledge import load`` gives the validated, cached :class:`Knowledge`;
``match_medicine`` finds the listed medicines in a typed name, ``suggest_medicines`` the close names
("did you mean") for one that matched nothing, ``recognised_as`` says in words what a name was taken for.
"""

from __future__ import annotations

from nightcramp.knowledge.loader import (
    Knowledge,
    KnowledgeError,
    load,
    load_from,
    match_medicine,
    recognised_as,
    suggest_medicines,
)

__all__ = ["Knowledge", "KnowledgeError", "load", "load_from", "match_medicine", "recognised_as",
           "suggest_medicines"]
