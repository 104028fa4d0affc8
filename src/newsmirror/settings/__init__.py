"""The typed settings (``config``) and the archive's settings file (``configfile``)."""
