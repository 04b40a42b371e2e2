"""Where nightcramp keeps its data and secrets. No Django here: settings import it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The data directory: NIGHTCRAMP_DATA_DIR, else the per-user data directory of this OS."""
    configured = os.environ.get("NIGHTCRAMP_DATA_DIR")
    path = Path(configured) if configured else Path(platformdirs.user_data_dir("nightcramp", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """Read the secret key kept in the data directory, creating it (mode 0600) on first run."""
    path = directory / "secret_key"
    try:
        key = path.read_text().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    # O_EXCL: if two processes start at once, exactly one writes the key and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
