"""Sphères: screen a team's digital practices together and write its charter.

Importing the package stays cheap (no Flask, no gevent): the command line decides the
server's concurrency model before the web stack is loaded.
"""

__version__ = "0.1.0"
