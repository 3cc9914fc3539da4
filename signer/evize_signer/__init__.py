"""e-Vize signer agent: a small local service that signs e-Vize documents with the signer's
e-signature token. It listens on 127.0.0.1 only, answers only the configured e-Vize origin, shows
what will be signed and asks the PIN itself; the PIN and the key never leave this computer."""

__version__ = "0.1.0"
