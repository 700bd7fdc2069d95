import numpy as np

from capacitymetro_plugin.core.indices import bivariate_classes, classify3


def test_classes_and_codes():
    cls, code = bivariate_classes(
        np.array([0.01, 0.2, 0.5, np.nan]),
        np.array([9.0, 0.0, 5.0, 1.0]),
        share_breaks=(0.1, 0.3),
        access_breaks=(2.0, 6.0),
    )
    assert list(cls) == [3, 4, 8, 0]
    assert list(code) == ["13", "21", "32", ""]


def test_tertiles_split_evenly():
    assert np.bincount(classify3(np.arange(9.0)))[1:].tolist() == [3, 3, 3]


def test_quantile_class():
    from capacitymetro_plugin.core.indices import quantile_class

    assert list(quantile_class(np.arange(10.0), 5)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert list(quantile_class(np.array([np.nan, 1.0]), 5)) == [0, 1]
