"""``{% picture "calf-wall" %}``: a stretch picture written into the page as inline SVG.

Inline, not as ``<img>``, so that the drawing takes the page's text colour and accent (an SVG loaded as
an image cannot see the page's CSS), and looks right on the dark night theme as on the light one.
"""

from __future__ import annotations

import functools

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

from nightcramp.knowledge.care import PICTURE_CHARS

register = template.Library()


@functools.cache
def svg_of(name: str) -> str:
    if not name or not set(name) <= PICTURE_CHARS:
        raise ValueError(f"{name!r} is not a picture name")
    found = finders.find(f"nightcramp/care/{name}.svg")
    if not found:
        raise FileNotFoundError(f"no picture nightcramp/care/{name}.svg")
    with open(str(found), encoding="utf-8") as fh:
        text = fh.read()
    return text[text.index("<svg"):].strip()  # drop an XML declaration, if any


@register.simple_tag
def picture(name: str) -> SafeString:
    return mark_safe(svg_of(name))  # noqa: S308 (our own files in the package, looked up by a checked name)
