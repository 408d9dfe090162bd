"""Supervision (招投标监管, DOMAIN.md §11): red flags and alerts over trading and small projects, the supervision
cases they open, inspections, violation clues and their rectification."""
