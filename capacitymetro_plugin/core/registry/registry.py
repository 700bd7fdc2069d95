"""The registry API: create, read, update, delete and search services, organizations, practices.

Every public write method is one transaction (a SQLite transaction on the GeoPackage, see
:mod:`.storage`), so a failure leaves the file exactly as it was. Several changes can be
grouped in one transaction with :meth:`Registry.transaction`.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from capacitymetro_plugin.core._pycompat import parse_iso_date
from capacitymetro_plugin.core.errors import CapaCityMetroError, InputError, ValidationError

from .doors import door_of
from .model import Organization, Practice, Service, Translation, new_id, now_iso
from .storage import (
    RegistryBusyError,
    RegistryRecoveredWarning,
    RegistryState,
    _retry_busy,
    apply_changes_ds,
    ensure_schema,
    locked_transaction,
    read_history,
    read_state,
    read_translation_history,
    recover,
    remove_stale_temporaries,
    write_state,
)
from .validation import web_link

__all__ = [
    "ConflictError",
    "Registry",
    "RegistryBusyError",
    "RegistryRecoveredWarning",
    "copy_registry",
    "current_editor",
    "to_wgs84",
]


def current_editor(editor: str | None = None) -> str:
    """Return who is editing: ``editor`` when given (the dock passes the QGIS user), else the
    environment variable ``CAPACITYMETRO_EDITOR`` (:data:`core.defaults.EDITOR_ENV`), else the
    login name; "unknown" when none can be found."""
    import getpass

    from capacitymetro_plugin.core.defaults import EDITOR_ENV

    if editor and str(editor).strip():
        return str(editor).strip()
    named = os.environ.get(EDITOR_ENV, "").strip()
    if named:
        return named
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # noqa: BLE001 - no login name (some containers, services)
        return "unknown"


class ConflictError(CapaCityMetroError):
    """A save would overwrite someone else's newer change of the same record.

    ``mine`` is the record as the caller wanted to save it (based on ``base_version``);
    ``theirs`` is the record now stored, at ``current_version``; ``changed_by`` names who
    saved it when the backend knows (PostGIS: the database user, from services_history).
    Nothing was written.
    """

    def __init__(
        self,
        key: str,
        *,
        mine,
        theirs,
        base_version: int,
        current_version: int,
        changed_by: str | None = None,
    ):
        fields_ = sorted(
            f
            for f in getattr(mine, "__dataclass_fields__", {})
            if f not in ("created_at", "updated_at")  # bookkeeping, not an edit to merge
            and getattr(mine, f, None) != getattr(theirs, f, None)
        )
        who_en = f"by {changed_by}" if changed_by else "by someone else"
        who_it = f"da {changed_by}" if changed_by else "da qualcun altro"
        super().__init__(
            f"Service {key} was changed {who_en} (version {current_version}) after you "
            f"opened it (version {base_version}); your save was refused so their change is not "
            f"lost. Fields that differ: {', '.join(fields_) or 'none'}.",
            fix="Reload the service and merge your changes field by field, then save again.",
            it=f"Il servizio {key} è stato modificato {who_it} (versione "
            f"{current_version}) dopo che lo hai aperto (versione {base_version}); il "
            f"salvataggio è stato rifiutato per non perdere la sua modifica. Campi diversi: "
            f"{', '.join(fields_) or 'nessuno'}.",
            fix_it="Ricarica il servizio e unisci le modifiche campo per campo, poi salva di nuovo.",
        )
        self.key = key
        self.mine = mine
        self.theirs = theirs
        self.base_version = base_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.fields = fields_


def to_wgs84(x: float, y: float, crs: str | int | None) -> tuple[float, float]:
    """Return ``(lon, lat)`` in EPSG:4326 of the point ``(x, y)`` given in ``crs``."""
    if crs is None:
        return float(x), float(y)
    from pyproj import CRS, Transformer

    source = CRS.from_user_input(crs)
    if source.to_epsg() == 4326:
        return float(x), float(y)
    transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(float(x), float(y))
    return float(lon), float(lat)


def _not_found(kind: str, key: str, path: Path) -> InputError:
    return InputError(
        f"No {kind} with id {key!r} in registry {path}.",
        fix="Check the identifier (search the registry first).",
        it=f"Nessun elemento '{kind}' con id {key!r} nel registro {path}.",
        fix_it="Controlla l'identificativo (cerca prima nel registro).",
    )


class Registry:
    """A service registry stored in one GeoPackage (see ``docs/registry.md`` for the schema).

    Use :meth:`create` for a new file and :meth:`open` for an existing one.
    """

    def __init__(self, path: str | os.PathLike, *, editor: str | None = None) -> None:
        self.path = Path(path)
        self.editor = current_editor(editor)  # written as changed_by in services_history
        self.door: str | None = None  # the history's door; None: the current one (doors.py)
        self.recovered = False  # True once a crashed write was rolled back (see open)

    def _recover(self) -> None:
        if recover(self.path):
            self.recovered = True
            warnings.warn(RegistryRecoveredWarning(self.path), stacklevel=3)

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def create(
        cls, path: str | os.PathLike, *, overwrite: bool = False, editor: str | None = None
    ) -> Registry:
        """Create an empty registry GeoPackage at ``path`` (``editor``: see :func:`current_editor`)."""
        path = Path(path)
        if path.exists() and not overwrite:
            raise InputError(
                f"Registry {path} already exists.",
                fix="Open it with Registry.open, or pass overwrite=True to replace it.",
                it=f"Il registro {path} esiste già.",
                fix_it="Aprilo con Registry.open, oppure usa overwrite=True per sostituirlo.",
            )
        write_state(RegistryState(), path)
        ensure_schema(path)
        return cls(path, editor=editor)

    @classmethod
    def open(cls, path: str | os.PathLike, *, editor: str | None = None) -> Registry:  # noqa: A003
        """Open an existing registry (checks that every layer is there).

        ``editor`` names who makes the changes recorded in the history (see
        :func:`current_editor`).

        A registry left half-written by a crash is rolled back to its last committed state,
        with a :class:`RegistryRecoveredWarning` (``reg.recovered`` is then True); temporary
        files a killed rewrite left beside it are removed.
        """
        reg = cls(path, editor=editor)
        reg._recover()
        remove_stale_temporaries(reg.path)
        _retry_busy(reg.path, lambda: read_state(reg.path))
        ensure_schema(reg.path)  # an older registry gains services.row_version
        return reg

    # --- transactions ------------------------------------------------------------------------
    def load(self) -> RegistryState:
        """Return the whole registry content in memory."""
        self._recover()
        return _retry_busy(self.path, lambda: read_state(self.path))

    @contextmanager
    def transaction(self) -> Iterator[RegistryState]:
        """Yield the registry state to change; write it all at the end, or nothing on error.

        The registry's write lock is taken BEFORE its state is read and held until the commit,
        so concurrent writers (other processes, other users on a shared drive) are serialized
        and none loses another's update. A registry kept busy longer than the busy timeout
        raises :class:`RegistryBusyError` (see ``docs/registry.md``).
        """
        self._recover()
        with locked_transaction(self.path) as (ds, before):
            state = copy.deepcopy(before)
            yield state
            apply_changes_ds(ds, before, state, editor=self.editor, door=door_of(self))

    def service_version(self, service_id: str) -> int:
        """Return the row version of a service (bumped by every write of it)."""
        state = self.load()
        if service_id not in state.services:
            raise _not_found("service", service_id, self.path)
        return _retry_busy(self.path, lambda: _versions(self.path)).get(service_id, 0)

    def save_service(self, service: Service, *, base_version: int) -> Service:
        """Store ``service`` whole, as edited from the copy read at ``base_version``.

        Raises :class:`ConflictError` (nothing written) when someone else saved the service
        since ``base_version``; the error carries both versions for a field-by-field merge.
        """
        with self.transaction() as state:
            key = service.service_id
            if key not in state.services:
                raise _not_found("service", key, self.path)
            current = state.versions.get(key, 0)
            if current != base_version:
                raise ConflictError(
                    key,
                    mine=service,
                    theirs=state.services[key],
                    base_version=base_version,
                    current_version=current,
                )
            new = copy.deepcopy(service)
            _check_name(new.name, "name", key)
            _mark_moved_by_hand(state.services[key], new)
            new.updated_at = now_iso()
            state.services[key] = new
        return new

    # --- history -----------------------------------------------------------------------------
    def entity_history(self) -> list[dict]:
        """Return the recorded changes of organizations, practice sheets and links, oldest
        first: ``kind`` (organization / practice / link), ``entity_id``, ``operation``,
        ``changed_at``, ``changed_by``, ``old`` and ``new`` (dicts or None)."""
        from .storage import read_entity_history

        return read_entity_history(self.path)

    def service_history(self, service_id: str) -> list[dict]:
        """Return the recorded changes of a service, oldest first.

        Each entry: ``operation`` ("INSERT", "UPDATE", "DELETE"), ``changed_at`` (ISO 8601 UTC),
        ``changed_by`` (the registry's editor, see :func:`current_editor`), ``door`` (which door
        the change came through, see doors.py; None when not recorded), ``row_version`` (the
        version the change produced; None for DELETE) and ``old`` (the row before the change as
        a dict with ``lon``, ``lat`` and ``row_version``; None for INSERT). Written in the same
        transaction as the change. Edits made outside the API (QGIS layer editing of the
        GeoPackage) are not recorded.
        """
        self._recover()
        return _retry_busy(self.path, lambda: read_history(self.path, service_id))

    def services_history(self) -> list[dict]:
        """Every service's recorded changes in one read, oldest first (the entries of
        :meth:`service_history`, each with its ``service_id``; deleted services too)."""
        self._recover()
        return _retry_busy(self.path, lambda: read_history(self.path))

    def snapshot(self) -> RegistryState:
        """Return :meth:`load` with the row version of every service (for :meth:`record_edits`)."""
        state = self.load()
        state.versions = _retry_busy(self.path, lambda: _versions(self.path))
        return state

    def record_edits(self, before: RegistryState, service_ids) -> list[str]:
        """Record services that QGIS's own layer editing changed, as the API records its own.

        QGIS writes a layer's edits straight into the GeoPackage: the rows change but nothing
        bumps ``row_version`` or writes ``services_history``. The dock reads ``before`` (with
        :meth:`snapshot`) just before QGIS commits and calls this just after, with the
        ``service_ids`` of the edited, added and deleted features: each one that differs from
        ``before`` gets its next row version and a history entry (who = :attr:`editor`), in one
        transaction; a deleted service's good-practice links are removed with it (recorded
        too). Returns the service ids recorded.

        Not atomic with QGIS's commit: a crash between the two keeps the edit but not its entry.
        """
        wanted = {str(k) for k in service_ids if k}
        recorded: list[str] = []
        self._recover()
        with locked_transaction(self.path) as (ds, current):
            old = copy.deepcopy(current)
            for key in wanted:
                if key in before.services:
                    old.services[key] = before.services[key]
                    old.versions[key] = before.versions.get(key, 0)
                else:
                    old.services.pop(key, None)
                    old.versions.pop(key, None)
                if old.services.get(key) != current.services.get(key):
                    recorded.append(key)
            new = copy.deepcopy(current)
            # a service QGIS deleted takes its good-practice links with it (as delete_service)
            gone = {k for k in wanted if k not in current.services}
            new.links = [(s, p) for s, p in new.links if s not in gone]
            apply_changes_ds(ds, old, new, editor=self.editor, door=door_of(self))
        return sorted(recorded)

    def record_entity_edits(self, before: RegistryState) -> list[str]:
        """Record organizations, practice sheets and links QGIS's own layer editing changed.

        As :meth:`record_edits` for services: ``before`` is :meth:`snapshot` read just before
        QGIS committed an edit of the ``organizations``, ``practices`` or ``service_practices``
        layer; each difference from the registry as it is now gets its ``entity_history`` entry
        (who = :attr:`editor`, door ``qgis``: QGIS layer editing), in one transaction. Returns the ids recorded
        (``service_id/practice_id`` for a link).
        """
        self._recover()
        with locked_transaction(self.path) as (ds, current):
            old = copy.deepcopy(current)
            old.organizations = copy.deepcopy(before.organizations)
            old.practices = copy.deepcopy(before.practices)
            old.links = list(before.links)
            recorded = [
                k
                for kind in ("organizations", "practices")
                for k in sorted(set(getattr(old, kind)) | set(getattr(current, kind)))
                if getattr(old, kind).get(k) != getattr(current, kind).get(k)
            ]
            recorded += [f"{s}/{p}" for s, p in sorted(set(old.links) ^ set(current.links))]
            if recorded:  # QGIS's own editing of those layers (the dock's dialog uses the API)
                apply_changes_ds(ds, old, copy.deepcopy(current), editor=self.editor, door="qgis")
        return recorded

    def restore_service(
        self, service_id: str, version: int, *, base_version: int | None = None
    ) -> Service:
        """Put back the service as it was at row version ``version`` (also after a delete).

        The restore is itself a change: it gets a new row version and a history entry, so it
        can be undone too. With ``base_version`` it is refused with :class:`ConflictError` when
        someone saved the service since. Raises :class:`InputError` when the history has no
        such version.
        """
        wanted = None
        known = []
        for entry in self.service_history(service_id):
            old = entry.get("old")
            if old is not None:
                known.append(int(old.get("row_version") or 0))
                if int(old.get("row_version") or 0) == int(version):
                    wanted = old  # the latest one wins (a service deleted and re-created)
        if wanted is None:
            listed = ", ".join(str(v) for v in sorted(set(known))) or "none"
            raise InputError(
                f"Service {service_id} has no earlier version {version} in the history "
                f"(earlier versions: {listed}).",
                fix="Pick a version from Registry.service_history.",
                it=f"Il servizio {service_id} non ha una versione precedente {version} nello "
                f"storico (versioni precedenti: {listed}).",
                fix_it="Scegli una versione da Registry.service_history.",
            )
        restored = service_from_history(wanted)
        with self.transaction() as state:
            current = state.services.get(service_id)
            stored = state.versions.get(service_id, 0)
            if base_version is not None and current is not None and stored != base_version:
                raise ConflictError(
                    service_id,
                    mine=restored,
                    theirs=current,
                    base_version=base_version,
                    current_version=stored,
                )
            if current is not None:
                restored.created_at = current.created_at
            restored.updated_at = now_iso()
            state.services[service_id] = restored
        return restored

    # --- translations ------------------------------------------------------------------------
    def translations(self, service_id: str) -> list[Translation]:
        """Return the translations of a service (name, description in more languages), sorted by
        language code. Raises :class:`InputError` when there is no such service."""
        state = self.load()
        if service_id not in state.services:
            raise _not_found("service", service_id, self.path)
        return sorted(
            (t for (k, _), t in state.translations.items() if k == service_id),
            key=lambda t: t.lang,
        )

    def set_translation(
        self,
        service_id: str,
        lang: str,
        *,
        name: str,
        description: str | None = None,
        source: str = "operator",
    ) -> Translation:
        """Add or replace the ``lang`` translation of a service's name and description.

        Parameters
        ----------
        service_id
            The service translated (it must exist).
        lang
            ISO 639-1 code (``en``, ``ar``), else ISO 639-3 for a language without one (``prs``).
        name, description
            The texts in that language; the name is required.
        source
            ``"operator"`` (written or checked by a person) or ``"machine"`` (labelled as a
            machine translation wherever it is shown).

        Raises :class:`~.translations.TranslationError` (bilingual, ``code`` names the
        problem: unknown language, empty name, unknown service, ...); nothing is then written.
        The change is recorded in ``translations_history`` (who = :attr:`editor`).
        """
        t = Translation(
            service_id=service_id, lang=lang, name=name, description=description, source=source
        )
        return self.set_translations([t])[0]

    def set_translations(self, translations: list[Translation]) -> list[Translation]:
        """Add or replace several translations in one transaction (all or none; see
        :meth:`set_translation`). A translation equal to the stored one is left as it is."""
        from .translations import check_translation

        stored = []
        with self.transaction() as state:
            for t in translations:
                t = check_translation(t, state.services)
                key = (t.service_id, t.lang)
                old = state.translations.get(key)
                same = old is not None and (old.name, old.description, old.source) == (
                    t.name,
                    t.description,
                    t.source,
                )
                if same:
                    stored.append(old)
                    continue
                t.updated_at = now_iso()
                t.editor = getattr(self, "editor", None) or current_editor()
                state.translations[key] = t
                stored.append(t)
        return stored

    def remove_translation(self, service_id: str, lang: str) -> None:
        """Remove the ``lang`` translation of a service (:class:`~.translations.TranslationError`
        with code ``not_found`` when there is none)."""
        from .translations import TranslationError

        code = str(lang or "").strip().lower()
        with self.transaction() as state:
            if service_id not in state.services:
                raise _not_found("service", service_id, self.path)
            if state.translations.pop((service_id, code), None) is None:
                have = sorted(k[1] for k in state.translations if k[0] == service_id)
                listed = ", ".join(have) or "none"
                listed_it = ", ".join(have) or "nessuna"
                raise TranslationError(
                    "not_found",
                    f"Service {service_id} has no {code!r} translation (translations: {listed}).",
                    fix="Pick a language the service is translated into (Registry.translations).",
                    it=f"Il servizio {service_id} non ha una traduzione {code!r} (traduzioni: "
                    f"{listed_it}).",
                    fix_it="Scegli una lingua in cui il servizio è tradotto (Registry.translations).",
                )

    def translation_history(self, service_id: str) -> list[dict]:
        """Return the recorded changes of a service's translations, oldest first.

        Each entry: ``lang``, ``operation`` (INSERT/UPDATE/DELETE), ``changed_at``,
        ``changed_by``, ``old`` and ``new`` (the translation before/after as dicts, or None).
        """
        self._recover()
        return _retry_busy(self.path, lambda: read_translation_history(self.path, service_id))

    # --- services ----------------------------------------------------------------------------
    def services(self) -> list[Service]:
        """Return every service."""
        return list(self.load().services.values())

    def get_service(self, service_id: str) -> Service:
        """Return the service ``service_id``."""
        try:
            return self.load().services[service_id]
        except KeyError:
            raise _not_found("service", service_id, self.path) from None

    def add_service(self, service: Service, *, crs: str | int | None = None) -> Service:
        """Add ``service`` (its lon/lat are x/y in ``crs`` when given) and return it as stored."""
        return self.add_services([service], crs=crs)[0]

    def add_services(
        self, services: list[Service], *, crs: str | int | None = None
    ) -> list[Service]:
        """Add several services in one transaction."""
        with self.transaction() as state:
            stored = [_prepare_new(s, state, crs) for s in services]
        return stored

    def update_service(
        self,
        service_id: str,
        *,
        crs: str | int | None = None,
        expected_version: int | None = None,
        **changes,
    ) -> Service:
        """Change fields of a service (``update_service(sid, status="closed")``).

        Only the named fields change, on the state read under the write lock, so two editors
        changing different fields both keep their change. With ``expected_version`` the update
        is refused with :class:`ConflictError` if the service was saved since that version.
        """
        with self.transaction() as state:
            if service_id not in state.services:
                raise _not_found("service", service_id, self.path)
            old = state.services[service_id]
            current = state.versions.get(service_id, 0)
            if expected_version is not None and expected_version != current:
                raise ConflictError(
                    service_id,
                    mine=replace(old, **{k: v for k, v in changes.items() if hasattr(old, k)}),
                    theirs=old,
                    base_version=expected_version,
                    current_version=current,
                )
            unknown = set(changes) - set(old.__dataclass_fields__)
            if unknown or "service_id" in changes:
                raise InputError(
                    f"Cannot change field(s) {sorted(unknown | {'service_id'} & set(changes))} of a service.",
                    fix="Use the field names of the services layer (docs/registry.md).",
                    it=f"Impossibile modificare i campi {sorted(unknown | {'service_id'} & set(changes))} di un servizio.",
                    fix_it="Usa i nomi dei campi del layer services (docs/registry.md).",
                )
            new = replace(old, **changes)
            if crs is not None and new.lon is not None and new.lat is not None:
                new.lon, new.lat = to_wgs84(new.lon, new.lat, crs)
            _check_name(new.name, "name", service_id)
            _check_values(new)
            _mark_moved_by_hand(old, new)
            new.updated_at = now_iso()
            state.services[service_id] = new
        return new

    def delete_service(self, service_id: str) -> None:
        """Delete a service and its practice links."""
        with self.transaction() as state:
            if state.services.pop(service_id, None) is None:
                raise _not_found("service", service_id, self.path)
            state.links = [(s, p) for s, p in state.links if s != service_id]

    def search(
        self,
        *,
        text: str | None = None,
        sector: str | None = None,
        operator_type: str | None = None,
        language: str | None = None,
        comune: str | None = None,
        status: str | None = None,
        stale_since: str | date | None = None,
    ) -> list[Service]:
        """Return the services matching every given filter.

        Parameters
        ----------
        text
            Case-insensitive substring of name, description, address or comune name.
        sector, language
            A code that must be among the service's sectors / languages.
        operator_type, status
            Exact code.
        comune
            A 6-digit ISTAT code or a comune name (case-insensitive).
        stale_since
            Keep services never verified or last verified before this date.
        """
        found = []
        needle = text.lower() if text else None
        cut = str(stale_since)[:10] if stale_since else None
        for s in self.load().services.values():
            if needle:
                hay = " ".join(
                    str(v) for v in (s.name, s.description, s.address, s.comune_name) if v
                )
                if needle not in hay.lower():
                    continue
            if sector and sector not in s.sectors:
                continue
            if language and language not in s.languages:
                continue
            if operator_type and s.operator_type != operator_type:
                continue
            if status and s.status != status:
                continue
            if (
                comune
                and comune != s.comune_istat
                and comune.lower() != (s.comune_name or "").lower()
            ):
                continue
            if cut and s.last_verified and s.last_verified >= cut:
                continue
            found.append(s)
        return found

    # --- organizations -----------------------------------------------------------------------
    def organizations(self) -> list[Organization]:
        """Return every organization."""
        return list(self.load().organizations.values())

    def add_organization(self, organization: Organization) -> Organization:
        """Add an organization."""
        with self.transaction() as state:
            _check_name(organization.name, "name", organization.organization_id)
            if organization.organization_id in state.organizations:
                raise _duplicate("organization", organization.organization_id)
            state.organizations[organization.organization_id] = organization
        return organization

    def update_organization(self, organization_id: str, **changes) -> Organization:
        """Change fields of an organization."""
        with self.transaction() as state:
            if organization_id not in state.organizations:
                raise _not_found("organization", organization_id, self.path)
            new = replace(state.organizations[organization_id], **changes)
            _check_name(new.name, "name", organization_id)
            state.organizations[organization_id] = new
        return new

    def delete_organization(self, organization_id: str) -> None:
        """Delete an organization; its services keep running but lose the link."""
        with self.transaction() as state:
            if state.organizations.pop(organization_id, None) is None:
                raise _not_found("organization", organization_id, self.path)
            for s in state.services.values():
                if s.organization_id == organization_id:
                    s.organization_id = None

    # --- practices and links -----------------------------------------------------------------
    def practices(self) -> list[Practice]:
        """Return every good-practice sheet."""
        return list(self.load().practices.values())

    def add_practice(self, practice: Practice, *, crs: str | int | None = None) -> Practice:
        """Add a good-practice sheet."""
        with self.transaction() as state:
            p = copy.deepcopy(practice)
            _check_name(p.title, "title", p.practice_id)
            _check_practice_link(p)
            if p.practice_id in state.practices:
                raise _duplicate("practice", p.practice_id)
            if crs is not None and p.lon is not None and p.lat is not None:
                p.lon, p.lat = to_wgs84(p.lon, p.lat, crs)
            state.practices[p.practice_id] = p
        return p

    def update_practice(self, practice_id: str, **changes) -> Practice:
        """Change fields of a practice."""
        with self.transaction() as state:
            if practice_id not in state.practices:
                raise _not_found("practice", practice_id, self.path)
            new = replace(state.practices[practice_id], **changes)
            _check_name(new.title, "title", practice_id)
            _check_practice_link(new)
            state.practices[practice_id] = new
        return new

    def attachments_folder(self) -> Path:
        """The folder attachments are kept in: ``attachments/`` beside the GeoPackage."""
        return self.path.parent / ATTACHMENTS_DIR

    def attach_file(self, practice_id: str, source: str | os.PathLike) -> Practice:
        """Copy ``source`` into the registry's attachments folder and attach it to a practice.

        The copy is named after the practice and the file (``<id[:8]>-<name>``, made safe;
        a number is added rather than overwrite another file) and the practice's ``attachment``
        becomes its path relative to the registry's folder, so the registry folder can be moved
        or shared whole. The source file is never changed; a file the practice had before stays
        in the folder (the history keeps its name).
        """
        src = Path(source)
        if not src.is_file():
            raise InputError(
                f"Attachment {src} is not a file.",
                fix="Choose an existing file (a PDF, a document or an image).",
                it=f"L'allegato {src} non è un file.",
                fix_it="Scegli un file esistente (un PDF, un documento o un'immagine).",
            )
        if src.stat().st_size > MAX_ATTACHMENT_BYTES:
            mb = MAX_ATTACHMENT_BYTES // 2**20
            raise InputError(
                f"Attachment {src.name} is larger than {mb} MB.",
                fix="Attach a smaller file, or put the document online and store its link.",
                it=f"L'allegato {src.name} supera {mb} MB.",
                fix_it="Allega un file più piccolo, oppure metti il documento online e salva il "
                "suo link.",
            )
        if practice_id not in self.load().practices:
            raise _not_found("practice", practice_id, self.path)
        folder = self.attachments_folder()
        folder.mkdir(exist_ok=True)
        # the sheet's id first (its first 8 characters: short, and one sheet's files sort together)
        target = _free_name(
            folder, f"{_safe_file_name(practice_id)[:8]}-{_safe_file_name(src.name)}"
        )
        tmp = target.with_name(f".{target.name}.part")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        relative = f"{ATTACHMENTS_DIR}/{target.name}"
        try:
            return self.update_practice(practice_id, attachment=relative)
        except BaseException:
            target.unlink(missing_ok=True)  # the record was not changed: leave no orphan copy
            raise

    def delete_practice(self, practice_id: str) -> None:
        """Delete a practice and its links."""
        with self.transaction() as state:
            if state.practices.pop(practice_id, None) is None:
                raise _not_found("practice", practice_id, self.path)
            state.links = [(s, p) for s, p in state.links if p != practice_id]

    def link(self, service_id: str, practice_id: str) -> None:
        """Link a service to a practice (idempotent)."""
        with self.transaction() as state:
            if service_id not in state.services:
                raise _not_found("service", service_id, self.path)
            if practice_id not in state.practices:
                raise _not_found("practice", practice_id, self.path)
            if (service_id, practice_id) not in state.links:
                state.links.append((service_id, practice_id))

    def unlink(self, service_id: str, practice_id: str) -> None:
        """Remove a service–practice link."""
        with self.transaction() as state:
            state.links = [(s, p) for s, p in state.links if (s, p) != (service_id, practice_id)]

    def practices_of(self, service_id: str) -> list[Practice]:
        """Return the practices linked to a service."""
        state = self.load()
        return [
            state.practices[p] for s, p in state.links if s == service_id and p in state.practices
        ]

    def services_of(self, practice_id: str) -> list[Service]:
        """Return the services linked to a practice."""
        state = self.load()
        return [
            state.services[s] for s, p in state.links if p == practice_id and s in state.services
        ]


MANUAL_SOURCE = "manual"  # Service.location_source of a point placed by a person
ATTACHMENTS_DIR = "attachments"  # beside the GeoPackage; practice.attachment is relative to it
MAX_ATTACHMENT_BYTES = 50 * 2**20


def _safe_file_name(name: str) -> str:
    """A file name that is the same on Windows, macOS and Linux: letters (any script), digits,
    ``.-_``; the rest becomes ``_``; never empty, hidden or over 100 characters."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._") or "file"
    suffix = re.sub(r"[^\w]+", "", suffix, flags=re.UNICODE)[:10]
    return stem[:90] + (f".{suffix}" if suffix else "")


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _check_practice_link(p: Practice) -> None:
    """A practice's ``link`` is a web address (http/https); its attachment stays in its folder."""
    if p.link and not web_link(p.link):
        raise InputError(
            f"The link of good-practice sheet {p.practice_id} is not a web address: {p.link!r}.",
            fix="Write an address starting with https:// or http://, or attach the file instead.",
            it=f"Il link della scheda di buona pratica {p.practice_id} non è un indirizzo web: "
            f"{p.link!r}.",
            fix_it="Scrivi un indirizzo che inizi con https:// o http://, oppure allega il file.",
        )
    if p.attachment and (
        "://" in p.attachment
        or Path(p.attachment).is_absolute()
        or ".." in Path(p.attachment.replace("\\", "/")).parts
    ):
        raise InputError(
            f"The attachment of good-practice sheet {p.practice_id} points outside the registry's "
            f"folder: {p.attachment!r}.",
            fix="Attach the file from the dock (it is copied into the registry's attachments "
            "folder), or give a path inside that folder.",
            it=f"L'allegato della scheda di buona pratica {p.practice_id} punta fuori dalla "
            f"cartella del registro: {p.attachment!r}.",
            fix_it="Allega il file dal pannello (viene copiato nella cartella degli allegati del "
            "registro), oppure indica un percorso dentro quella cartella.",
        )


def _check_name(value, field: str, key: str) -> None:
    if value is None or not str(value).strip():
        raise InputError(
            f"Record {key}: the required field {field!r} is empty.",
            fix=f"Give a {field}.",
            it=f"Record {key}: il campo obbligatorio {field!r} è vuoto.",
            fix_it=f"Indica il campo {field}.",
        )


def _check_values(s: Service) -> None:
    """Bring API values to their types (documented forms only) or raise a named error.

    A list field given as text is split at ``;`` (the documented separator, as in the
    GeoPackage), never character by character; a whole float capacity (``20.0``) becomes ``20``.
    Anything else of the wrong type or size (capacity 2.7, 1e30 or "abc", ``languages=[None]``,
    a ``last_verified`` that is not a YYYY-MM-DD date) raises :class:`ValidationError`.
    """
    from .validation import ERROR, Issue, ValidationReport, type_problems
    from .vocabularies import split_codes

    for name in ("sectors", "target_groups", "languages"):
        value = getattr(s, name)
        if isinstance(value, str):
            setattr(s, name, split_codes(value))
        elif isinstance(value, tuple):
            setattr(s, name, list(value))
    cap = s.capacity
    if isinstance(cap, float) and cap.is_integer() and abs(cap) < 2**53:
        s.capacity = int(cap)
    problems = type_problems(s)
    if isinstance(s.last_verified, str) and s.last_verified:
        try:
            if len(s.last_verified) != 10:
                raise ValueError
            parse_iso_date(s.last_verified)
        except ValueError:
            problems.append(
                (
                    "last_verified",
                    "invalid_date",
                    f"last_verified {s.last_verified!r:.40} is not a date YYYY-MM-DD.",
                    f"last_verified {s.last_verified!r:.40} non è una data AAAA-MM-GG.",
                )
            )
    if problems:
        report = ValidationReport(
            [
                Issue(None, s.service_id, f, code, en, it, ERROR, None)
                for f, code, en, it in problems
            ]
        )
        raise ValidationError(
            f"Service {s.service_id}: " + " ".join(en for _, _, en, _ in problems),
            report=report,
            fix="Give each field a value of its type (see docs/registry.md); nothing was written.",
            it=f"Servizio {s.service_id}: " + " ".join(it for _, _, _, it in problems),
            fix_it="Dai a ogni campo un valore del suo tipo (vedi docs/registry.md); non è stato scritto nulla.",
        )


def _duplicate(kind: str, key: str) -> InputError:
    return InputError(
        f"A {kind} with id {key!r} is already in the registry.",
        fix="Use update instead of add, or a new identifier.",
        it=f"Un elemento '{kind}' con id {key!r} è già nel registro.",
        fix_it="Usa la modifica invece dell'aggiunta, o un nuovo identificativo.",
    )


def _mark_moved_by_hand(old: Service, new: Service) -> None:
    """A point moved through the API (the dock, a script) is placed by hand from now on, unless
    the caller set ``location_source`` itself: geocoding will then never move it back."""
    moved = (old.lon, old.lat) != (new.lon, new.lat) and new.lon is not None
    if moved and new.location_source == old.location_source:
        new.location_source = MANUAL_SOURCE


def _prepare_new(service: Service, state: RegistryState, crs) -> Service:
    s = copy.deepcopy(service)
    if not s.service_id:
        s.service_id = new_id()
    _check_name(s.name, "name", s.service_id)
    _check_values(s)
    if s.service_id in state.services:
        raise _duplicate("service", s.service_id)
    if crs is not None and s.lon is not None and s.lat is not None:
        s.lon, s.lat = to_wgs84(s.lon, s.lat, crs)
    stamp = now_iso()
    s.created_at = s.created_at or stamp
    s.updated_at = s.updated_at or stamp
    state.services[s.service_id] = s
    return s


def service_from_history(old: dict) -> Service:
    """Rebuild a :class:`Service` from an ``old`` row of the history (GeoPackage or PostGIS)."""
    from .storage import SERVICE_FIELDS, _from_row, _Point

    point = None
    lon, lat = old.get("lon"), old.get("lat")
    geom = old.get("geom")  # PostGIS: to_jsonb(geometry) is GeoJSON
    if lon is None and isinstance(geom, dict) and geom.get("coordinates"):
        lon, lat = geom["coordinates"][:2]
    if lon is not None and lat is not None:
        point = _Point(float(lon), float(lat))
    return _from_row(Service, old, SERVICE_FIELDS, point)


def copy_registry(source: Registry, target: Registry) -> Registry:
    """Replace the content of ``target`` with that of ``source`` (e.g. GeoPackage → PostGIS)."""
    content = source.load()
    with target.transaction() as state:
        state.services = copy.deepcopy(content.services)
        state.organizations = copy.deepcopy(content.organizations)
        state.practices = copy.deepcopy(content.practices)
        state.links = list(content.links)
        state.meta = dict(content.meta)
        state.translations = copy.deepcopy(content.translations)
    return target


def _versions(path: Path) -> dict[str, int]:
    """Return {service_id: row_version} read with plain sqlite (a GeoPackage is SQLite)."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(services)")]
        if "row_version" not in cols:
            return {}
        return {
            str(k): int(v or 0)
            for k, v in con.execute("SELECT service_id, row_version FROM services")
        }
    finally:
        con.close()
