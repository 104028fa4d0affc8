"""Adopting an archive of the old mirror scripts: read as it is (``scan``), recorded (``adopt``)."""
