"""The command line: ``workinggroup-app [options] [command]``, one module per command group.

The desktop interface is not imported here: it is handed to ``main`` by the installed
command. May import every core package below it.
"""
