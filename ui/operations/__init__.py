"""Operations: how widgets reach the core. ``runner`` runs service calls off the UI thread;
the other modules say, per domain, which service call a user's intent is."""
