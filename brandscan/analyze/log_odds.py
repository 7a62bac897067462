"""Which words belong to one group of posts more than to another: the weighted log-odds
ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
Words", section 3.5).

For a word w used ``y_i`` times among ``n_i`` word uses of group i (the negative
opinions) and ``y_j`` times among ``n_j`` of group j (the other opinions), with prior
counts ``a_w`` summing to ``a_0``::

    delta = log((y_i + a_w) / (n_i + a_0 - y_i - a_w))
          - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
    z     = delta / sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))

The prior shrinks the log-odds of rare words towards zero, and dividing by the standard
error makes a word used by 40 people outrank one used by 3 at the same odds. The prior
here is the words' own distribution over both groups, weighted as :data:`PRIOR_WEIGHT`
of the word uses — the "all posts of the run" prior of the paper.
"""

from __future__ import annotations

import numpy as np

#: The prior's weight, as a share of the word uses of both groups. At 1 (the words'
#: full counts) a word needs far more uses to stand out; at 0.1 a brand's 自燃/起火 among a
#: few hundred negative opinions rank in the top 10 (docs/complaints.md has the lists).
PRIOR_WEIGHT = 0.1


def log_odds_z(y_i: np.ndarray, y_j: np.ndarray, *, weight: float = PRIOR_WEIGHT
               ) -> np.ndarray:
    """The z-score of each word's log-odds ratio between group i and group j (positive:
    the word belongs to group i). ``y_i``/``y_j``: per word, its uses in each group; the
    totals and the prior come from all the words given."""
    y_i = np.asarray(y_i, dtype=np.float64)
    y_j = np.asarray(y_j, dtype=np.float64)
    if not len(y_i):
        return np.empty(0, dtype=np.float64)
    alpha = weight * (y_i + y_j)
    alpha0 = float(alpha.sum())
    n_i, n_j = float(y_i.sum()), float(y_j.sum())
    a_i, a_j = y_i + alpha, y_j + alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log(a_i / (n_i + alpha0 - a_i)) - np.log(a_j / (n_j + alpha0 - a_j)))
        z = delta / np.sqrt(1.0 / a_i + 1.0 / a_j)
    return np.where(np.isfinite(z), z, 0.0)
