"""Good-practice attachments: copied into the registry's folder, never pointing outside it."""

from __future__ import annotations

import hashlib

import pytest

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.registry.model import Organization, Practice
from capacitymetro_plugin.core.registry.registry import Registry
from capacitymetro_plugin.core.registry.storage import read_entity_history
from capacitymetro_plugin.core.registry.validation import attachment_path


@pytest.fixture
def reg(tmp_path):
    return Registry.create(tmp_path / "reg" / "registry.gpkg", editor="tester")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_attach_copies_the_file_inside_the_registry_folder(reg, tmp_path):
    p = reg.add_practice(Practice(title="Sportello unico"))
    src = tmp_path / "elsewhere" / "Scheda buona pratica (2024).pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-1.4 scheda")
    before = _sha(src)
    stored = reg.attach_file(p.practice_id, src)
    assert stored.attachment.startswith("attachments/")
    copy = attachment_path(reg.path.parent, stored.attachment)
    assert copy is not None and copy.parent == reg.path.parent / "attachments"
    assert copy.read_bytes() == src.read_bytes() and _sha(src) == before  # source untouched
    assert " " not in copy.name and "(" not in copy.name and copy.suffix == ".pdf"
    assert reg.load().practices[p.practice_id].attachment == stored.attachment
    # the history records it (who, old and new value)
    entry = [e for e in read_entity_history(reg.path) if e["operation"] == "UPDATE"][-1]
    assert entry["changed_by"] == "tester"
    assert entry["old"]["attachment"] is None and entry["new"]["attachment"] == stored.attachment


def test_a_second_file_of_the_same_name_never_overwrites_the_first(reg, tmp_path):
    a = reg.add_practice(Practice(title="A"))
    src = tmp_path / "scheda.pdf"
    src.write_bytes(b"one")
    first = reg.attach_file(a.practice_id, src).attachment
    src.write_bytes(b"two")
    second = reg.attach_file(a.practice_id, src).attachment
    assert first != second
    folder = reg.path.parent
    assert attachment_path(folder, first).read_bytes() == b"one"  # the old file is kept
    assert attachment_path(folder, second).read_bytes() == b"two"


@pytest.mark.parametrize(
    "name", ["../../x.pdf", "a/../../b", "con.pdf", "\u0645\u0644\u0641.pdf", ".hidden"]
)
def test_odd_names_stay_inside_the_folder(reg, tmp_path, name):
    p = reg.add_practice(Practice(title="A"))
    src = tmp_path / "src.bin"
    src.write_bytes(b"x")
    # the stored name comes from the source's name: make one with that name where possible
    safe = name.replace("/", "_")
    odd = tmp_path / safe
    odd.write_bytes(b"x")
    stored = reg.attach_file(p.practice_id, odd).attachment
    path = attachment_path(reg.path.parent, stored)
    assert path is not None and path.parent == (reg.path.parent / "attachments").resolve()
    assert not path.name.startswith(".")


def test_refusals_name_the_problem_and_change_nothing(reg, tmp_path):
    p = reg.add_practice(Practice(title="A", link="https://example.org/a"))
    before = reg.load().practices[p.practice_id]
    with pytest.raises(InputError, match="not a file"):
        reg.attach_file(p.practice_id, tmp_path / "missing.pdf")
    src = tmp_path / "ok.pdf"
    src.write_bytes(b"x")
    with pytest.raises(InputError, match="practice"):
        reg.attach_file("no-such-practice", src)
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://x/y"):
        with pytest.raises(InputError, match="not a web address") as e:
            reg.update_practice(p.practice_id, link=bad)
        assert "indirizzo web" in e.value.localized("it")
    for bad in ("../secret.pdf", "/etc/passwd", "attachments/../../x", "https://x/y.pdf"):
        with pytest.raises(InputError, match="outside the registry"):
            reg.update_practice(p.practice_id, attachment=bad)
    with pytest.raises(InputError):
        reg.update_practice(p.practice_id, title="  ")
    with pytest.raises(InputError):
        reg.add_practice(Practice(title="B", link="file:///etc/passwd"))
    assert reg.load().practices[p.practice_id] == before
    assert len(reg.practices()) == 1
    assert not (reg.path.parent / "attachments").exists() or not any(
        (reg.path.parent / "attachments").iterdir()
    )


def test_organization_name_cannot_be_emptied(reg):
    o = reg.add_organization(Organization(name="Comune di Venezia"))
    with pytest.raises(InputError):
        reg.update_organization(o.organization_id, name="")
    assert reg.load().organizations[o.organization_id].name == "Comune di Venezia"
