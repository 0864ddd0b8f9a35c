"""The terminal app (Textual): one module per screen, widgets and styles.

It calls the services in ``superviser``; it never writes SQL itself.
"""
