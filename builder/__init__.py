"""collab-site: a static website for an AI-agent collaboration bucket."""

__version__ = "0.1.0"
