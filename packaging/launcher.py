"""The bundle's entry point (PyInstaller runs this file): the same ``main`` as the
``workinggroup-app`` command installed by pip."""

from workinggroup_ui.launch import main

if __name__ == "__main__":
    raise SystemExit(main())
