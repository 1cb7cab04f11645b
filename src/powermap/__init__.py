"""powermap: reads political news and opinion writing and reconstructs the power map it describes."""

__version__ = "0.1.0"
