"""Incrementally maintained rollups (see models.Rollup): every case change adds
contribution(after) − contribution(before) to the rows it touches, inside the same
transaction as the change, so the rollups can never drift from the cases.

`case_changing(case)` is the one hook: apps/cases/services.py calls it right before it
saves a changed case (the row is locked, so the database still holds the state before
the change) and right after it creates one. `rebuild()` recomputes every row from the
cases in bulk (one INSERT … SELECT on PostgreSQL) and gives exactly the same rows.
"""
import math
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.cases.workflow import OPEN_STATUSES, Status

from .models import COUNTERS, Rollup

FIELDS = ("accepted_at", "area_id", "category_id", "channel", "status", "closed_at", "deadline",
          "reopened_count", "satisfaction", "level")
LEVEL_COUNTER = {4: "closed_grid", 3: "closed_village", 2: "closed_township", 1: "closed_county"}
SATISFIED = ("satisfied", "basic")
DIMS = ("all", "child", "category", "channel")
# Category and channel rows exist for the county and township levels only: below, a day
# holds a handful of cases and such rows would outnumber them; selectors.breakdown reads
# villages' and grids' categories and channels from their few cases instead.
BROAD_LEVELS = 2
MONTH = "m."


def cohort_day(accepted_at):
    """The local (settings.TIME_ZONE) date a case was accepted: its cohort."""
    return timezone.localtime(accepted_at, ZoneInfo(settings.TIME_ZONE)).date()


def counters_of(case):
    """The counters one case adds to its cohort, from its current fields (dict or object)."""
    get = case.get if isinstance(case, dict) else (lambda name: getattr(case, name))
    if get("accepted_at") is None:
        return None
    closed = get("status") == Status.CLOSED
    deadline, closed_at = get("deadline"), get("closed_at")
    values = dict.fromkeys(COUNTERS, 0)
    values["accepted"] = 1
    values["open_now"] = int(get("status") in OPEN_STATUSES)
    values["rated"] = int(bool(get("satisfaction")))
    values["satisfied"] = int(get("satisfaction") in SATISFIED)
    if closed:
        values["closed"] = 1
        values["on_time"] = int(deadline is not None and closed_at is not None and closed_at <= deadline)
        values["reworked"] = int(get("reopened_count") > 0)
        if closed_at is not None:
            values["handling_seconds"] = math.floor((closed_at - get("accepted_at")).total_seconds())
        values[LEVEL_COUNTER[get("level")]] = 1
    return values


def path_ids(path):
    """Area ids from county down to the grid, read off the materialized path."""
    return [int(part) for part in path.rstrip(".").split(".") if part]


def keys_of(case, path):
    """(day, area id, dim, key) of every row a case counts in."""
    get = case.get if isinstance(case, dict) else (lambda name: getattr(case, name))
    day = cohort_day(get("accepted_at"))
    ids = path_ids(path)
    keys = []
    for i, area_id in enumerate(ids):
        keys.append((day, area_id, "all", ""))
        if i + 1 < len(ids):
            keys.append((day, area_id, "child", str(ids[i + 1])))
        if i < BROAD_LEVELS:
            keys.append((day, area_id, "category", str(get("category_id"))))
            keys.append((day, area_id, "channel", get("channel")))
    # Month rows (dim "m.<dim>", day = the 1st) repeat the day rows of the county and
    # township levels, so a year is ~12 rows per key instead of ~365.
    month = day.replace(day=1)
    broad_areas = set(ids[:BROAD_LEVELS])
    keys += [(month, area_id, MONTH + dim, key) for (_d, area_id, dim, key) in list(keys) if area_id in broad_areas]
    return keys


def contribution(case, path):
    values = counters_of(case)
    if values is None:
        return {}
    return {key: values for key in keys_of(case, path)}


def _path_of(area_id):
    from apps.grids.models import Area

    return Area.objects.filter(pk=area_id).values_list("path", flat=True).get()


def case_changing(case, *, created=False):
    """THE hook: call inside the transaction, before saving `case` (or right after creating
    it, with created=True). Applies the change of its contribution to the rollups."""
    from apps.cases.models import Case

    before = None if created else Case.objects.filter(pk=case.pk).values(*FIELDS).first()
    after = {name: getattr(case, name) for name in FIELDS}
    path = _path_of(case.area_id)
    old_path = path if before is None or before["area_id"] == case.area_id else _path_of(before["area_id"])
    delta = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for sign, state, p in ((-1, before, old_path), (1, after, path)):
        if state is None:
            continue
        for key, values in contribution(state, p).items():
            row = delta[key]
            for name, value in values.items():
                row[name] += sign * value
    apply_delta({k: v for k, v in delta.items() if any(v.values())})


def apply_delta(delta):
    """Add counters to rows (insert or update), in key order so concurrent changes lock
    rows in the same order and cannot deadlock each other."""
    if not delta:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("rollups change only inside the case's transaction")
    table = Rollup._meta.db_table
    columns = ", ".join(COUNTERS)
    placeholders = "(" + ", ".join(["%s"] * (4 + len(COUNTERS))) + ")"
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    rows, params = [], []
    for (day, area_id, dim, key) in sorted(delta):
        rows.append(placeholders)
        params += [connection.ops.adapt_datefield_value(day), area_id, dim, key]
        params += [delta[(day, area_id, dim, key)][c] for c in COUNTERS]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (day, area_id, dim, "key", {columns}) VALUES {", ".join(rows)} '
            f'ON CONFLICT (area_id, dim, day, "key") DO UPDATE SET {updates}',
            params,
        )


# ---------------------------------------------------------------- bulk rebuild

def rollup_select_sql(where="TRUE"):
    """PostgreSQL: the rollup rows computed from the cases in one SELECT (the same rows the
    incremental hook produces). `where` filters the cases (alias c)."""
    closed = "c.status = 'closed'"
    level = {4: "closed_grid", 3: "closed_village", 2: "closed_township", 1: "closed_county"}
    open_list = ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES))
    per_case = [
        "1 AS accepted",
        f"({closed})::int AS closed",
        f"({closed} AND c.deadline IS NOT NULL AND c.closed_at IS NOT NULL AND c.closed_at <= c.deadline)::int"
        " AS on_time",
        f"({closed} AND c.reopened_count > 0)::int AS reworked",
        "(c.satisfaction <> '')::int AS rated",
        "(c.satisfaction IN ('satisfied', 'basic'))::int AS satisfied",
        f"(c.status IN ({open_list}))::int AS open_now",
        f"CASE WHEN {closed} AND c.closed_at IS NOT NULL THEN floor(extract(epoch FROM c.closed_at - c.accepted_at))"
        "::bigint ELSE 0 END AS handling_seconds",
    ] + [f"({closed} AND c.level = {lv})::int AS {name}" for lv, name in level.items()]
    sums = ", ".join(f"sum(x.{c})::{'bigint' if c == 'handling_seconds' else 'int'} AS {c}" for c in COUNTERS)
    month_sums = ", ".join(f"sum({c})::{'bigint' if c == 'handling_seconds' else 'int'}" for c in COUNTERS)
    return f"""
        WITH x AS (
            SELECT (c.accepted_at AT TIME ZONE %(tz)s)::date AS day, c.category_id::text AS category,
                   c.channel, string_to_array(rtrim(a.path, '.'), '.') AS ids, {", ".join(per_case)}
            FROM cases_case c JOIN grids_area a ON a.id = c.area_id
            WHERE c.accepted_at IS NOT NULL AND ({where})
        ), days AS (
            SELECT x.day, x.ids[i]::int AS area_id, d.dim, d.key, i AS depth, {sums}
            FROM x CROSS JOIN LATERAL generate_subscripts(x.ids, 1) AS i
            CROSS JOIN LATERAL (VALUES ('all', ''), ('child', x.ids[i + 1]::int::text),
                                       ('category', CASE WHEN i <= {BROAD_LEVELS} THEN x.category END),
                                       ('channel', CASE WHEN i <= {BROAD_LEVELS} THEN x.channel END)) AS d(dim, key)
            WHERE d.key IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5
        )
        SELECT day, area_id, dim, key, {", ".join(COUNTERS)} FROM days
        UNION ALL
        SELECT date_trunc('month', day)::date, area_id, '{MONTH}' || dim, key, {month_sums}
        FROM days WHERE depth <= {BROAD_LEVELS}
        GROUP BY 1, 2, 3, 4
    """


def rebuild():
    """Recompute every rollup row from the cases (after a restore, or to build the rows for
    data that existed before the rollups). Locks the table for the duration."""
    table = Rollup._meta.db_table
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")  # takes the table's exclusive lock till commit
                # Aggregate in memory, and insert in index order (cheap B-tree appends).
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute(
                    f'INSERT INTO {table} (day, area_id, dim, "key", {", ".join(COUNTERS)}) '
                    f'SELECT * FROM ({rollup_select_sql()}) built ORDER BY area_id, dim, day, "key"',
                    {"tz": settings.TIME_ZONE},
                )
            return Rollup.objects.count()
        Rollup.objects.all().delete()
        apply_delta(expected_rows())
        return Rollup.objects.count()


def expected_rows():
    """{(day, area id, dim, key): counters} recomputed in Python from every case (slow;
    small databases and tests)."""
    from apps.cases.models import Case
    from apps.grids.models import Area

    paths = dict(Area.objects.values_list("pk", "path"))
    rows = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for case in Case.objects.filter(accepted_at__isnull=False).values(*FIELDS).iterator():
        for key, values in contribution(case, paths[case["area_id"]]).items():
            for name, value in values.items():
                rows[key][name] += value
    return dict(rows)


def stored_rows():
    """{(day, area id, dim, key): counters} as stored, zero rows left out."""
    out = {}
    for row in Rollup.objects.values("day", "area_id", "dim", "key", *COUNTERS):
        values = {c: row[c] for c in COUNTERS}
        if any(values.values()):
            out[(row["day"], row["area_id"], row["dim"], row["key"])] = values
    return out
