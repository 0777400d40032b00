"""Scoring exactly as published: every band boundary, reverse scoring, every ValueError."""

import subprocess
import sys

import pytest

from coping.instruments import INSTRUMENTS, score


def _answers(length: int, total: int, maximum: int, minimum: int = 0) -> list[int]:
    """Answers within range adding up to `total`."""
    answers = [minimum] * length
    remaining = total - minimum * length
    for i in range(length):
        step = min(maximum - minimum, remaining)
        answers[i] += step
        remaining -= step
    assert remaining == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total, band):
    # Fill from item 1 onwards; keep item 9 at 0 unless the total needs it.
    result = score("phq9", _answers(9, total, 3))

    assert result.total == total
    assert result.band == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total, band):
    result = score("gad7", _answers(7, total, 3))

    assert (result.total, result.band, result.flags) == (total, band, set())


def test_phq9_item_9_above_zero_flags_self_harm():
    assert score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1]).flags == {"self_harm"}
    assert score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 3]).flags == {"self_harm"}
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == set()


def test_the_contract_example():
    result = score("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1])

    assert (result.total, result.band, result.flags) == (13, "moderate", {"self_harm"})


def test_brs_reverse_scores_items_2_4_and_6():
    # Agreeing with every item: 5 + 1 + 5 + 1 + 5 + 1 = 18, mean 3.0.
    assert score("brs", [5, 5, 5, 5, 5, 5]).total == 3.0
    # The most resilient answers: agree with 1, 3, 5 and disagree with 2, 4, 6.
    assert score("brs", [5, 1, 5, 1, 5, 1]).total == 5.0
    assert score("brs", [1, 5, 1, 5, 1, 5]).total == 1.0


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([1, 5, 1, 5, 1, 5], 1.0, "low"),
        ([3, 4, 3, 3, 3, 3], 2.83, "low"),  # 17/6: just below 3.00
        ([3, 3, 3, 3, 3, 3], 3.0, "normal"),  # exactly 3.00
        ([5, 2, 4, 1, 4, 2], 4.33, "high"),  # 26/6: just above 4.30
        ([4, 2, 4, 2, 5, 2], 4.17, "normal"),  # 25/6
        ([5, 1, 5, 1, 5, 1], 5.0, "high"),
    ],
)
def test_brs_mean_and_bands(answers, total, band):
    result = score("brs", answers)

    assert result.total == total
    assert isinstance(result.total, float)
    assert result.band == band


@pytest.mark.parametrize(("total", "band"), [(10, "low"), (46, "low"), (47, "high"), (60, "high")])
def test_barc10_bands(total, band):
    result = score("barc10", _answers(10, total, 6, minimum=1))

    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(
    ("slug", "answers", "message"),
    [
        ("phq-9", [0] * 9, "Unknown instrument"),
        ("", [0] * 9, "Unknown instrument"),
        ("phq9", [0] * 8, "has 9 items; got 8"),
        ("gad7", [0] * 8, "has 7 items; got 8"),
        ("phq9", [0] * 8 + [4], "outside 0-3"),
        ("phq9", [-1] + [0] * 8, "outside 0-3"),
        ("brs", [0, 3, 3, 3, 3, 3], "outside 1-5"),
        ("barc10", [7] + [3] * 9, "outside 1-6"),
        ("phq9", [True] + [0] * 8, "whole number"),
        ("phq9", [1.0] + [0] * 8, "whole number"),
        ("phq9", ["1"] + [0] * 8, "whole number"),
        ("phq9", [None] + [0] * 8, "whole number"),
        ("phq9", "000000000", "list of integers"),
    ],
)
def test_bad_input_raises_a_clear_value_error(slug, answers, message):
    with pytest.raises(ValueError, match=message):
        score(slug, answers)


def test_every_instrument_has_its_published_item_count():
    counts = {slug: len(i.items) for slug, i in INSTRUMENTS.items()}

    assert counts == {"phq9": 9, "gad7": 7, "brs": 6, "barc10": 10}


def test_importable_without_django_settings():
    code = "from coping.instruments import score; r = score('gad7', [1]*7); print(r.total, r.band)"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": "."}

    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)

    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "7 mild"
