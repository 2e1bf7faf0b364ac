"""Small widgets and helpers shared by forms, lists and dialogs: record pickers, icons, plain
text and instants (``text``), the base of a table of rows and of a panel window."""
