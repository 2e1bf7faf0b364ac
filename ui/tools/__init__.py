"""Running the interface for checking it: screenshots, the self-test's window step, and
compiling the translations."""
