"""Transitional: the establishment references now live in ``khuyencong.establishments.sheets``.

Only the schemes and training registers, not yet moved into their apps, import them from here; delete
this module when they do.
"""

from khuyencong.establishments.sheets import EstablishmentLookup, reference_columns, reference_values

__all__ = ["EstablishmentLookup", "reference_columns", "reference_values"]
