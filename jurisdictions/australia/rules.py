"""Australian rules (Corporations Amendment (Digital Assets Framework) Act 2026 and ASIC RG 166), vectorised: each
rule paraphrases and cites its provision, reads the profile columns ``p`` (AUD) and the parameters through ``q``
(ids of rulebook americas_and_more.md §6), and returns the amount and the numbers its basis line shows."""
from __future__ import annotations

import numpy as np

#: The basis line's note on the revenue term: given, or not given (the floor alone).
REVENUE_NOTES = np.array(["", " (annual_revenue not given: the AUD floor alone, the revenue term not computed)"],
                         dtype=object)


def custodial_nta_benchmark(p, q):
    """ASIC RG 166 (custodial and depository service providers; ASIC Instrument 2023/648): a custodian holds net
    tangible assets of at least the greater of AUD 10 million and 10 % of its average revenue. The Digital Assets
    Framework Act (s 912BE) leaves the financial requirements of digital asset platforms to ASIC, which has not
    set them; this custodian standard is shown as the likely one (assumed for platforms): max(AUD 10 m, 0.10 ×
    annual revenue), the profile's annual_revenue standing for average revenue. Without annual_revenue, the
    AUD 10 m floor alone, with a note."""
    q.text("au_rg166_platform_benchmark")  # the analogy itself is assumed: it decides every row's status
    floor, share = q.peek("au_rg166_custodian_nta_floor"), q.peek("au_rg166_custodian_nta_revenue_share")
    given = p.has("annual_revenue")
    revenue = p.optional("annual_revenue", np.nan)
    amount = q.max(("au_rg166_custodian_nta_floor", np.full(p.n, floor)),
                   ("au_rg166_custodian_nta_revenue_share", np.where(given, share * np.nan_to_num(revenue), -np.inf)))
    return amount, dict(floor=floor, share=share, revenue=revenue, note=REVENUE_NOTES[(~given).astype(int)])


def revenue_not_given(p, q):
    """RG 166: the benchmark's revenue term needs the firm's average revenue; rows without annual_revenue are
    shown at the AUD 10 m floor alone."""
    return ~p.has("annual_revenue"), dict(floor=q("au_rg166_custodian_nta_floor"))


def transition_note(p, q):
    """Act No. 38 of 2026, transitional provisions (reported for the bill): incumbents that register within six
    months of commencement get an 18-month transition. A note about the market as a whole."""
    return True, dict(transition=q.text("au_transition"))
