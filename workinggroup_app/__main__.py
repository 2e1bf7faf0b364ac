from workinggroup_app.cli import main

raise SystemExit(main())
