"""The only package that imports ``stripe``."""
