"""The signer agent's tests run with the repository's suite (pytest's pythonpath includes signer/)."""
