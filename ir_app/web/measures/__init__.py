"""Measures pages: the commune's register and each dossier's plan as a view over it."""
from ir_app.web.measures import plan, register, updates

bp = register.bp

__all__ = ["bp", "plan", "register", "updates"]
