"""The OpenAPI schema is generated without warnings and validates, so clients can trust it."""
from django.core.management import call_command


def test_schema_generates_without_warnings_and_validates(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/cases/{id}/actions/{action}/:" in text and "CaseStatusEnum" in text
