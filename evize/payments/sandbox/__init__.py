"""The sandbox bank: plays the bank's side of the NestPay 3D Pay Hosting protocol on our own
server (demo and tests only; never installed in production). See `views.py`."""
