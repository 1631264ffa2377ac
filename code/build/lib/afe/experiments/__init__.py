"""Experiments of the book: plain functions of a seed that return data.

They never print or plot; the chapters decide what to show. Each module
holds one experiment and names the chapter and source it belongs to.
"""
