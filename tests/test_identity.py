from sheetsync.identity import Identity, SheetIdentity, parse_identity


def test_identity_rows_read_back():
    identity = Identity(
        form_id="dongguan_approval", spec_version="1", spec_hash="abc", year="2021", budget_unit="某局",
        framework="dongguan", generated_at="2026-11-25T10:00:00+00:00",
        sheets={"项目1": SheetIdentity("项目1", "某局/项目甲", "", "某局", "项目甲"),
                "项目2": SheetIdentity("项目2", "X-002", "X-002", "某局", "项目乙")},
    )
    # Spreadsheet readers give numbers back as floats and pad rows with empty cells.
    rows = [row + [None] for row in identity.rows()]
    rows[3][1] = 2021.0
    assert parse_identity(rows) == identity


def test_amounts_are_recorded_and_older_records_without_them_still_read():
    identity = Identity(sheets={"项目1": SheetIdentity("项目1", "某局/项目甲", "", "某局", "项目甲", "60", "20.5"),
                                "项目2": SheetIdentity("项目2", "某局/项目乙", "", "某局", "项目乙")})
    rows = identity.rows()
    assert rows[-3] == ["sheet", "project_key", "project_code", "budget_unit", "project_name",
                        "midterm_budget_wan", "annual_budget_wan"]
    assert parse_identity(rows) == identity
    older = [row[:5] for row in rows]  # the identity sheet of templates made before amounts were recorded
    assert parse_identity(older).sheets["项目1"] == SheetIdentity("项目1", "某局/项目甲", "", "某局", "项目甲")
