"""The dock's form and the core validator share one rule set for contacts: for every sample
value, the form flags a field exactly when ``validate_services`` reports its code, with the
validator's own message in the user's language."""

import pytest

from capacitymetro_plugin.core.registry.model import Service
from capacitymetro_plugin.core.registry.validation import validate_services

SAMPLES = {
    "email": [
        "info@comune.bari.it",
        "info(at)comune.it",
        "info@exa_mple.org",  # the form accepted it, the validator did not
        "mario.rossì@comune.it",
        "a@b.c",
        "sportello.migranti@comune.trento.it ",
    ],
    "website": [
        "https://www.comune.bari.it",
        "www.comune.bari.it",
        "HTTPS://EXAMPLE.ORG",  # the form accepted it (case-insensitive), the validator did not
        "https://example.org?lang=it",
        "http://localhost",
        "https://例え.jp",
    ],
    "phone": ["080 5772111", "+39 0461 884111", "12", "080 57 (call before)", "tel. 080 123"],
}
CODES = {"email": "invalid_email", "website": "invalid_url", "phone": "invalid_phone"}


def _validator(field: str, value: str):
    report = validate_services([Service(name="x", sectors=["health"], **{field: value})])
    return [i for i in report.errors if i.field == field and i.code == CODES[field]]


@pytest.mark.parametrize("field", sorted(SAMPLES))
def test_form_and_validator_agree_on_every_sample(qgis_app, field):
    from capacitymetro_plugin.gui import checks

    check = {"email": checks.check_email, "website": checks.check_url, "phone": checks.check_phone}
    flagged = []
    for value in SAMPLES[field]:
        core = _validator(field, value)
        form = check[field](value)
        assert bool(form) == bool(core), (field, value, form, core)
        if core:
            assert form == core[0].message  # English user interface in the tests
            flagged.append(value)
    assert 0 < len(flagged) < len(SAMPLES[field])  # each list holds good and bad values
