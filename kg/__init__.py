"""Remedy KG: a knowledge graph of complementary remedies and the evidence behind them."""

__version__ = "0.1.0"
