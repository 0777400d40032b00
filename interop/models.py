"""Models of the interop app."""
