"""One record on screen: the form built from the field definitions, its related items and
history, and the parts a record type adds (a meeting's attendees, agenda, decisions)."""
