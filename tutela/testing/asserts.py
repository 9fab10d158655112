"""Assertions shared by the service tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tutela.workflow import TransitionError


def assert_refused(
    call: Callable[[], Any],
    snapshot: Callable[[], Any],
    message: str,
    error: type[Exception] = TransitionError,
) -> None:
    """The call fails with exactly this user-facing message and the snapshot of the data is unchanged."""
    before = snapshot()
    with pytest.raises(error) as excinfo:
        call()
    value: Any = excinfo.value
    text = value.message if isinstance(value, TransitionError) else " ".join(value.messages)
    assert text == message
    assert snapshot() == before
