"""Test settings: the real settings, with a throwaway data directory and a fast password hasher.

The database is the real one the environment names: SQLite by default, PostgreSQL when
DATABASE_URL is set (scripts/test runs the whole suite both ways).
"""

import os
import tempfile

os.environ.setdefault("NIGHTCRAMP_DATA_DIR", tempfile.mkdtemp(prefix="nightcramp-test-"))

from nightcramp.settings import *  # noqa: E402,F403

# Argon2 is the production hasher (tests/accounts/test_security.py checks it); tests hash faster.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
