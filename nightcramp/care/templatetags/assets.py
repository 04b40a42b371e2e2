"""Style sheets and scripts, linked or written into the page.

The pages that must open fast at the bedside and work with no network (``inline_assets`` in the context,
see :mod:`nightcramp.care.context`) carry their own CSS and JavaScript inside the HTML: on a first visit
a phone then waits for one response instead of one per file (docs/decisions/0004-inline-assets.md).
Every other page links the files, which the browser caches.

``{% stylesheet "nightcramp/app.css" %}`` goes in the head; ``{% script "nightcramp/js/tonight.js" %}``
at the end of the body, where an inline script finds the page it works on (a linked one is deferred).
``{% script "…" external=True %}`` always links the file (deferred): for a large library (HTMX, loaded
only by the pages that use it, in their ``{% block htmx %}``), which the browser then caches. With
``after_load=True`` an inlined page fetches it only once the page has loaded and been drawn, so that the
page does not wait for it: its forms work without it (they are sent as plain forms until it has
started). Not ``async``: HTMX 2 started after DOMContentLoaded but before the load event waits for
DOMContentLoaded forever, and never takes over the forms.
"""

from __future__ import annotations

import json
import os
import re
import threading

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_lock = threading.Lock()
_texts: dict[str, tuple[float, str]] = {}
_CLOSERS = {"script": re.compile(r"</script|<!--", re.IGNORECASE),
            "style": re.compile(r"</style", re.IGNORECASE)}


def static_text(path: str, element: str) -> str:
    """The text of a static file, to be written inside a ``<script>`` or ``<style>`` element.

    Read again only when the file changes. A file that would end the element early (``</script``, or
    ``<!--`` in a script) is refused, since the page would then run or show the rest as HTML.
    """
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"static file {path!r} not found")
    filename = str(found)
    mtime = os.stat(filename).st_mtime
    with _lock:
        cached = _texts.get(filename)
    if cached and cached[0] == mtime:
        return cached[1]
    with open(filename, encoding="utf-8") as fh:
        text = fh.read()
    closer = _CLOSERS[element].search(text)
    if closer:
        raise template.TemplateSyntaxError(f"{path} cannot be written inside <{element}>: it contains "
                                           f"{closer.group(0)!r}")
    with _lock:
        _texts[filename] = (mtime, text)
    return text


# After the load event the document is "complete", so a library that starts on DOMContentLoaded (HTMX 2
# waits for that event when it finds the document still "interactive") starts at once. And after the
# next frame has been drawn (a timeout set in an animation frame runs after that frame), so that
# compiling and starting it never holds up the first paint.
_LOADER = """(function (src) {
  function load() { var s = document.createElement("script"); s.src = src; document.head.appendChild(s); }
  function soon() { window.requestAnimationFrame(function () { window.setTimeout(load, 0); }); }
  if (document.readyState === "complete") soon(); else window.addEventListener("load", soon);
})(%s);"""


def _js_string(text: str) -> str:
    return json.dumps(text).replace("<", "\\u003c")


def _inline(context: template.Context) -> bool:
    return bool(context.get("inline_assets"))


@register.simple_tag(takes_context=True)
def stylesheet(context: template.Context, path: str) -> SafeString:
    if _inline(context):
        return format_html("<style>{}</style>", mark_safe(static_text(path, "style")))  # noqa: S308
    return format_html('<link rel="stylesheet" href="{}">', static(path))


@register.simple_tag(takes_context=True)
def script(context: template.Context, path: str, external: bool = False,
           after_load: bool = False) -> SafeString:
    if _inline(context) and after_load:
        return format_html("<script>{}</script>", mark_safe(_LOADER % _js_string(static(path))))  # noqa: S308
    if _inline(context) and not external:
        return format_html("<script>{}</script>", mark_safe(static_text(path, "script")))  # noqa: S308
    return format_html('<script src="{}" defer></script>', static(path))

