"""Derived files kept between processes: the language model's arrays load back equal to the
ones built from py3langid, and a cache that cannot be used only costs the rebuild."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from dateline.transforms import derived_files
from dateline.transforms.fields import language


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    language._model.cache_clear()
    yield tmp_path
    language._model.cache_clear()


def test_language_model_loads_back_equal_to_the_built_one(cache_home) -> None:
    built = language._model()  # no file yet: built from py3langid and saved
    assert list((cache_home / "dateline").glob("py3langid-*.npz"))
    language._model.cache_clear()
    loaded = language._model()  # from the file
    assert built is not None and loaded is not None
    for name in language.MODEL_ARRAYS:
        original, copy = getattr(built, name), getattr(loaded, name)
        assert original.dtype == copy.dtype and np.array_equal(original, copy), name
    assert loaded.classes == built.classes
    assert loaded.alias_pairs == built.alias_pairs


def test_detection_is_the_same_from_the_cached_model(cache_home) -> None:
    texts = pl.DataFrame(
        {
            "doc_id": [1, 2, 3],
            "text": [
                "Der Stadtrat hat am Dienstag über den neuen Haushalt beraten und abgestimmt.",
                "Le conseil municipal a voté mardi le nouveau budget de la ville après un débat.",
                "The city council voted on the new budget on Tuesday after a long debate.",
            ],
        }
    )
    first = language.detect_language(texts)
    language._model.cache_clear()
    again = language.detect_language(texts)
    assert first["language"].to_list() == ["de", "fr", "en"]
    assert again.equals(first)


def test_an_unreadable_cache_file_is_rebuilt(cache_home) -> None:
    calls = []

    def build() -> str:
        calls.append(1)
        return "value"

    def load(path) -> str:
        return path.read_text()

    def save(value: str, path) -> None:
        path.write_text(value)

    assert derived_files.derived("thing.txt", build, load, save) == "value"
    assert derived_files.derived("thing.txt", build, load, save) == "value"
    assert len(calls) == 1  # the second process-equivalent read the file
    (cache_home / "dateline" / "thing.txt").unlink()
    (cache_home / "dateline" / "thing.txt").mkdir()  # a folder where the file should be
    assert derived_files.derived("thing.txt", build, load, save) == "value"
    assert len(calls) == 2


def test_the_nfkc_class_read_back_is_the_one_derived() -> None:
    from dateline.transforms.fields import credits

    assert credits.NFKC_UNSTABLE == credits._nfkc_unstable_class()
