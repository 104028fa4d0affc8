"""An archive folder opened whole (``archive``), and what readers browse from it (``library``,
``history``)."""
