"""Answers in a dialect: success and error envelopes with results rendered by their shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import replies
from .dialects import Dialect
from .replies import Reply
from .shapes import Shape

__all__ = ["Renderer"]


class Renderer:
    """Writes envelopes in one :class:`Dialect` (per-method choices resolved once each)."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._per_method: dict[str, Dialect] = {}
        self._success, self._error = dialect.success_word, dialect.error_word

    def _for(self, qualname: str) -> Dialect:
        resolved = self._per_method.get(qualname)
        if resolved is None:
            resolved = self._per_method[qualname] = self.dialect.for_method(qualname)
        return resolved

    def result(self, qualname: str, shape: Shape, result: Any) -> Any:
        """The JSON value answering ``result`` of ``qualname``."""
        fixed = self.dialect.results.get(qualname, _NOTHING)
        if fixed is not _NOTHING:
            return fixed(result) if callable(fixed) else fixed
        return shape.render(result, self._for(qualname))

    def success(self, qualname: str, shape: Shape, result: Any, *, has_result: bool) -> Reply:
        """``{"status": "SUCCESS", "result": ...}`` in the dialect."""
        if not has_result:
            return replies.success(None, has_result=False, word=self._success)
        rendered = self.result(qualname, shape, result)
        return replies.success(rendered, word=self._success)

    def error(
        self, code: str, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Reply:
        """``{"status": "ERROR", "error": code}`` in the dialect."""
        return replies.api_error(code, status, headers, word=self._error)

    def basic_auth_error(self, code: str) -> Reply:
        """A Basic credentials error (401) in the dialect."""
        return replies.basic_auth_error(code, word=self._error)

    def bearer_error(self) -> Reply:
        """A bearer token error (401) in the dialect."""
        return replies.bearer_error(word=self._error)


_NOTHING: Any = object()
