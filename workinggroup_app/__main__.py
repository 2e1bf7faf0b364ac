from workinggroup_app.cli.main import main

raise SystemExit(main())
