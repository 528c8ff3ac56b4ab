"""The guide's examples. Every code block on the site is included from a file in this package."""
