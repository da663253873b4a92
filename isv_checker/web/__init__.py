"""The local web page for buyers (`isv-check serve`): upload a document or a tender's files, see the verdict and the
evidence, download the memo, the marked-up copy and the JSON report. Nothing of an upload is kept."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
