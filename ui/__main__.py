"""``python -m workinggroup_ui``: the same as the installed ``workinggroup-app`` command."""

from workinggroup_ui.launch import main

raise SystemExit(main())
