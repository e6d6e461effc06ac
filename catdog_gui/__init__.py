"""catdog-gui: train an image classifier by point and click (core engine, CLI and window)."""

__version__ = "0.1.0"
