"""Dialogs: each a window of its own over one task (export, import, exchange, users...)."""
