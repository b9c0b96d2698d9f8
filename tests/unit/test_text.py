"""Tests for d2lutils.text: glue works without myst-nb, numbers read well."""

import builtins
import math

import pytest
import torch

from d2lutils import text


@pytest.mark.parametrize("x, digits, expected", [
    (2.5e-13, 1, "2.5 \u00d7 10\u207b\u00b9\u00b3"),
    (-3.0e7, 2, "\u22123.00 \u00d7 10\u2077"),
    (3.14159, 1, "3.1"), (0, 1, "0.0"), (12345.0, 0, "1 \u00d7 10\u2074"),
    (torch.tensor(1e-5), 1, "1.0 \u00d7 10\u207b\u2075")])
def test_sci_writes_powers_of_ten_with_superscripts_and_true_minus(x, digits, expected):
    assert text.sci(x, digits) == expected


def test_pct_and_num_format_for_readers():
    assert text.pct(0.905) == "90.5%"
    assert text.pct(-0.021, 1) == "\u22122.1%"
    assert text.num(-12345.678) == "\u221212,345.68"
    assert text.num(3, 0) == "3"


@pytest.mark.parametrize("func", [text.sci, text.pct, text.num])
@pytest.mark.parametrize("bad, error", [("1", TypeError), (None, TypeError),
                                        (math.nan, ValueError), (math.inf, ValueError)])
def test_formatters_refuse_what_is_not_a_finite_number_by_name(func, bad, error):
    with pytest.raises(error, match="x must be"):
        func(bad)


@pytest.mark.parametrize("digits, error", [(-1, ValueError), (16, ValueError),
                                           (1.0, TypeError), (True, TypeError)])
def test_formatters_refuse_bad_digits_by_name(digits, error):
    with pytest.raises(error, match="digits"):
        text.sci(1.0, digits)


def test_glue_is_a_no_op_without_myst_nb(monkeypatch):
    real_import = builtins.__import__

    def no_myst_nb(name, *args, **kwargs):
        if name == "myst_nb":
            raise ImportError("no myst_nb here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_myst_nb)
    assert text.glue("answer", 42) is None


def test_glue_forwards_to_myst_nb_when_present(monkeypatch):
    import myst_nb

    seen = []
    monkeypatch.setattr(myst_nb, "glue",
                        lambda name, value, display: seen.append((name, value, display)))
    text.glue("answer", 42)
    assert seen == [("answer", 42, False)]


@pytest.mark.parametrize("name, error", [("", ValueError), ("a b", ValueError),
                                         (3, ValueError)])
def test_glue_refuses_a_name_the_prose_could_not_use(name, error):
    with pytest.raises(error, match="name"):
        text.glue(name, 1)
