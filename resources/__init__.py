"""Files the application reads at run time: the CJK font and its licence, the translations
(.ts sources; .qm built), and reference data. Installed as ``workinggroup_app.resources``."""
