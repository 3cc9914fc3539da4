"""NestPay / EST virtual POS (Payten/Asseco), used by most banks in Turkey and Northern Cyprus."""
