"""Files: sniffing images (``sniffing``), reading inputs (``inputs``) and writing outputs atomically (``outputs``)."""
