"""The local web app (`powermap serve`)."""
