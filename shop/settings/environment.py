"""What every part of the settings decides from: the project folder, the environment (with
an optional ``.env`` file beside manage.py, read once, never overriding the real environment),
whether the shop runs embedded (no DATABASE_URL) and DEBUG (on by default only when embedded).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

EMBEDDED = not env.str("DATABASE_URL", default="")
DEBUG = env.bool("DEBUG", default=EMBEDDED)
