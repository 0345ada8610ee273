"""Settings for the test suite: the production settings, with test-only speed-ups.

Everything that matters for behaviour (security middleware, lockout, validators, the
database chosen by DATABASE_URL) is the same as in production.
"""

import os

os.environ.setdefault("QKB_TESTING", "1")
os.environ.setdefault("QKB_HTTPS", "0")

from qinkuaiban.settings import *  # noqa: F403
from qinkuaiban.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

# Argon2 is deliberately slow; tests hash hundreds of passwords. Production keeps Argon2
# (asserted by a test against PRODUCTION_PASSWORD_HASHERS).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]

# Serve static files straight from the apps (no collectstatic before a test run).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
