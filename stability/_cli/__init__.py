"""The ``stability`` command: its parser, its commands, the progress line and the demo."""
