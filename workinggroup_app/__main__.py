"""``python -m workinggroup_app``: the core's command line, without the desktop interface
(the installed ``workinggroup-app`` command hands that in: ``workinggroup_ui.launch``)."""

from workinggroup_app.cli.main import main

raise SystemExit(main())
