"""Operations: how widgets reach the core. ``runner`` runs service calls off the UI thread
and announces their ``Change``; ``op.Op`` is one intent with what to do after it; and one
module per domain says which service call each intent is: ``records`` (create, update,
transitions one or many, archive, a meeting's parts) and ``users`` (the accounts)."""
