import pytest

from crypto import CODE_ALPHABET, CryptoError, format_code, new_receipt_code, normalise_code


def test_new_codes_are_formatted_unique_and_normalise_to_themselves():
    codes = {new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 19 and [code[i] for i in (4, 9, 14)] == ["-"] * 3
        normalised = normalise_code(code)
        assert len(normalised) == 16
        assert set(normalised.decode()) <= set(CODE_ALPHABET)
        assert format_code(normalised) == code


def test_all_symbols_occur():
    # 80 bits spread over the whole alphabet, not a biased subset
    seen = set("".join(new_receipt_code() for _ in range(300)).replace("-", ""))
    assert seen == set(CODE_ALPHABET)


def test_confusable_letters_and_case():
    assert normalise_code("oooo-iiii-llll-0000") == b"0000111111110000"
    assert normalise_code("abcd efgh jkmn pqrs") == b"ABCDEFGHJKMNPQRS"


@pytest.mark.parametrize(
    "bad",
    ["ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRST", "ABCD-EFGH-JKMN-PQRU", "ABCD+EFGH+JKMN+PQRS", "ABCD-EFGH-JKMN-PQR\u00c5", ""],
)
def test_invalid_codes(bad):
    with pytest.raises(CryptoError, match="receipt code"):
        normalise_code(bad)


def test_error_does_not_echo_the_code():
    with pytest.raises(CryptoError) as info:
        normalise_code("ABCD-EFGH-JKMN-PQRU")
    assert "ABCD" not in str(info.value)


def test_non_text_and_bad_normalised():
    with pytest.raises(CryptoError):
        normalise_code(b"ABCDEFGHJKMNPQRS")
    with pytest.raises(CryptoError):
        format_code(b"ABCDEFGHJKMNPQR")
    with pytest.raises(CryptoError):
        format_code(b"ABCDEFGHJKMNPQRU")
