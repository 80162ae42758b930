"""Transitional: the context contract now lives in ``contract``; split by responsibility next."""
from ir_app.documents.context.contract import *  # noqa: F401,F403
from ir_app.documents.context.contract import _hints  # noqa: F401
