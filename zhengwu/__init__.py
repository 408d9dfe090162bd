"""Zhengwu (政务): the platform that runs a district administrative service center."""

__version__ = "0.1.0"
