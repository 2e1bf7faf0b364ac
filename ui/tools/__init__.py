"""Running the interface to check it: screenshots of the real windows and the self-test's
window step."""
