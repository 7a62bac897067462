"""brandscan: brand mentions in Chinese social-media exports.

The library behind the ``brandscan`` command. Data flows one way::

    files --load_posts--> canonical posts --analyse--> scored posts --> timeline,
    complaints, report --> renderers (rich table, CSV/JSON/Markdown)

Heavy modules are imported on first use so that importing brandscan stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_posts": "brandscan.load.posts",
    "LoadOptions": "brandscan.load.posts",
    "load_config": "brandscan.config",
    "Config": "brandscan.config",
    "analyse": "brandscan.text.scoring",
    "timeline": "brandscan.analyze.timeline",
    "complaints": "brandscan.analyze.complaints",
    "build_report": "brandscan.analyze.report",
    "BrandscanError": "brandscan.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
