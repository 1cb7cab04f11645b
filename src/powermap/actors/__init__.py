"""Actors: people, states, organisations, media and armed groups, with every mention of each."""

from powermap.actors.coref import ResolveCoreference
from powermap.actors.resolve import ResolveActors

__all__ = ["ResolveActors", "ResolveCoreference"]
