"""The ground floor: plain helpers every app may use (strict API input, dates). Imports no app."""
