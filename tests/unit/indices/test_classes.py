"""Map classes: ties stay in one class, every class holds what its label says, labels for people."""

import numpy as np

from capacitymetro_plugin.core.indices import (
    class_labels,
    class_shares,
    classify,
    format_number,
    quantile_breaks,
    quantile_class,
    round_breaks,
)


def test_ties_do_not_fill_the_lowest_quintile():
    # as E2SFCA in Trento: 53 % of the cells have access 0 (no service within reach)
    values = np.concatenate([np.zeros(53), np.linspace(0.1, 4.7, 47)])
    old_breaks = np.quantile(values, [0.2, 0.4, 0.6, 0.8])
    old = np.searchsorted(old_breaks, values, side="left") + 1
    assert np.bincount(old)[1] == 53 and np.bincount(old, minlength=6)[2] == 0  # the bug
    cls = quantile_class(values, 5)
    counts = np.bincount(cls, minlength=6)[1:]
    assert counts[0] == 53  # the tie, whole, and said so by class_shares
    assert all(c > 0 for c in counts) and max(counts[1:]) - min(counts[1:]) <= 1
    assert class_shares(values, quantile_breaks(values, 5))[0] == 0.53


def test_even_data_gives_even_quintiles():
    assert list(quantile_class(np.arange(10.0), 5)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert list(quantile_class(np.array([np.nan, 1.0]), 5)) == [0, 1]
    assert quantile_breaks(np.array([2.0, 2.0, 2.0]), 5) == [2.0]


def test_a_tie_never_spans_two_classes():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 6, 500).astype(float)
    cls = classify(values, quantile_breaks(values, 5))
    for v in np.unique(values):
        assert len(set(cls[values == v])) == 1


def test_round_breaks_and_labels():
    assert round_breaks([47.3, 213.0, 987.0, 18342.0]) == [47.0, 210.0, 990.0, 19000.0]
    assert round_breaks([0.0, 0.01234, 0.0129]) == [0.0, 0.012, 0.013]
    assert class_labels([200.0, 1000.0], minimum=50, lang="it") == ["50–200", "200–1.000"]
    assert class_labels([200.0, 1000.0], minimum=50, lang="en") == ["50–200", "200–1,000"]
    assert class_labels([0.0, 0.5], lang="it", shares=[0.53, 0.47]) == [
        "0 (53 % delle celle)",
        "0–0,5 (47 % delle celle)",
    ]
    assert format_number(0.0123, "en") == "0.0123" and format_number(1234.0, "it") == "1.234"
