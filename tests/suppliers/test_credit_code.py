import pytest
from django.core.exceptions import ValidationError

from suppliers.validators import is_valid_credit_code, make_credit_code, validate_credit_code


def test_real_published_code_is_valid():
    assert is_valid_credit_code("91350100M000100Y43")


@pytest.mark.parametrize(
    "code,error_code",
    [
        ("91350100M000100Y44", "credit_code_check"),
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M0001O0Y43", "credit_code_chars"),  # letter O is not in the alphabet
        ("", "credit_code_length"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error_code


def test_generated_codes_validate():
    code = make_credit_code(authority="9", org_type="3", division="451228", serial="MA5K00001")
    assert len(code) == 18
    validate_credit_code(code)
