"""bigfinder: graph intelligence for customs and financial-crime investigators."""

__version__ = "0.1.0"
