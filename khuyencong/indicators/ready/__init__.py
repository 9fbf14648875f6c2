"""Figures kept ready: the national province × year breakdown served from stored year slices.

A national breakdown reads every record of the country (ten million participations at national
scale); recomputing it per request cannot answer in seconds. The database records every change to the
records the indicators read in a journal (``journal.py``, written by triggers, so no write path can
forget it); a read resolves the journal entries since a slice was stored into the (province, year)
cells they can change (``touches.py``) and recomputes only those (``slices.py``). The figures are
therefore always those of the records, never of a stale copy.
"""
