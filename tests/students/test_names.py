"""Names written a dozen ways are one child; different children stay different."""

import pytest

from students.importers.names import name_tokens, names_agree, normalized_name


@pytest.mark.parametrize(
    ("file_name", "stored"),
    [
        ("MUHAMMAD RIZKI RAMADHAN", "Muhammad Rizki Ramadhan"),
        ("Muhamad Rizki", "Muhammad Rizki"),
        ("Moh. Rizki Ramadhan", "Muhammad Rizki Ramadhan"),
        ("M. Rizky Ramadan", "Muhammad Rizki Ramadhan"),
        ("Mochammad Fajar", "Muhammad Fajar"),
        ("Nurul Hidayah", "Nur Hidayah"),
        ("Nurhayati", "Nur Hayati"),
        ("Sitti Aminah", "Siti Aminah"),
        ("Soekarno Djojo", "Sukarno Jojo"),
        ("Tjipto Santoso", "Cipto Santoso"),
        ("Achmad Fauzi", "Ahmad Fauzi"),
        ("Adi  Pratama-Contoh", "adi pratama contoh"),
        ("Adi Pratama", "Adi Pratama Contoh"),  # a word left out
        ("Adi Pratama Cont", "Adi Pratama Contoh"),  # cut short by a narrow column
        ("Rizki Ramadhan", "Muhammad Rizki Ramadhan"),  # Muhammad dropped
        ("Hj. Siti Aminah", "Siti Aminah"),
        ("Dédé Sunarya", "Dede Sunarya"),
        ("", "Adi Pratama Contoh"),  # nothing to compare
    ],
)
def test_spellings_of_one_child_agree(file_name, stored):
    assert names_agree(file_name, stored)
    assert names_agree(stored, file_name)


@pytest.mark.parametrize(
    ("file_name", "stored"),
    [
        ("Bunga Lestari Contoh", "Adi Pratama Contoh"),
        ("Adi Saputra", "Adi Pratama"),
        ("Dodi Saputra", "Dedi Saputra"),
        ("Siti Aminah", "Siti Nurhaliza"),
        ("Muhammad Fajar", "Muhammad Rizki"),
        ("Ahmad Fauzi", "Fauzi Ahmad"),  # same words, other order: another child
        ("Nur Hidayah", "Nur Hidayati"),
    ],
)
def test_different_children_disagree(file_name, stored):
    assert not names_agree(file_name, stored)
    assert not names_agree(stored, file_name)


def test_tokens_fold_titles_punctuation_and_old_spelling():
    assert name_tokens("Moh. Rizky Ramadhan, S.Pd.") == ["m", "riski", "ramadan"]
    assert normalized_name("  SOEDJARWO  ") == "sujarwo"
