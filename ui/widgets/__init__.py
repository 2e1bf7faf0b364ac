"""Small widgets shared by forms, lists and dialogs: record pickers, icons."""
