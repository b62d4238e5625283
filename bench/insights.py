"""Leader dashboard at city scale on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench6 DEBUG=false SECRET_KEY=x \
        .venv/bin/python bench/insights.py [--cases 1000000] [--runs 40] [--raw-runs 10] [--regenerate]

Uses the database in DATABASE_URL as a SCRATCH database (it is migrated, and its areas,
users and cases are replaced). Generates a city — 1 county, 20 townships, 400 villages,
4,000 grids with GeoJSON boundaries, 60 leaf categories, N cases over two years — with
generate_series in SQL, then builds the rollups from those rows with the very SQL the
project uses to rebuild them (apps/insights/rollups.rebuild). A database that already
holds the same city is reused unless --regenerate.

Then measures, in one run, the dashboard's JSON endpoint (/insights/data.json through
Django's test client, logged in as the county leader) and the same aggregates as
hand-written SQL over the cases table, for
  (a) the last 30 days, county-wide (by township);
  (b) this year, by township;
  (c) one township, this year, by village;
asserts the endpoint's figures equal the raw SQL's to the case, and prints ONE JSON line
with p50/p95 (ms) of each and the ratio endpoint ÷ raw SQL.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TOWNSHIPS, VILLAGES_PER, GRIDS_PER = 20, 20, 10
PARENTS, LEAVES_PER = 6, 10
COUNTY_ID = 1
FIRST_TOWNSHIP = 2
FIRST_VILLAGE = FIRST_TOWNSHIP + TOWNSHIPS  # 22
FIRST_GRID = FIRST_VILLAGE + TOWNSHIPS * VILLAGES_PER  # 422
GRIDS = TOWNSHIPS * VILLAGES_PER * GRIDS_PER  # 4000
CELL = 0.008


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def square(x, y, size):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def generate_areas():
    """Areas with explicit ids so paths (made of the ids) are built in SQL too."""
    lng0, lat0 = 117.0, 31.0
    county = square(lng0, lat0, CELL * 125)
    sql("""INSERT INTO grids_area (id, name, code, level, parent_id, path, depth, boundary, min_lat, max_lat,
                                   min_lng, max_lng)
           VALUES (%s, '巢湖测试县', '349901', 1, NULL, %s, 1, %s, %s, %s, %s, %s)""",
        [COUNTY_ID, f"{COUNTY_ID:06d}.", json.dumps(county), lat0, lat0 + CELL * 125, lng0, lng0 + CELL * 125])
    # Layout: township t at (t % 5, t / 5) of 25 × 8 cells; village v at (v % 5, v / 5) of 5 × 2 cells;
    # grid g at (g % 5, g / 5) of one cell.
    sql(f"""
        WITH t AS (SELECT n, {FIRST_TOWNSHIP} + n AS id, (n % 5) * 25 AS x, (n / 5) * 8 AS y, 25 AS w, 8 AS h
                   FROM generate_series(0, {TOWNSHIPS - 1}) n),
             v AS (SELECT t.id AS tid, v.n, {FIRST_VILLAGE} + (t.n * {VILLAGES_PER}) + v.n AS id,
                          t.x + (v.n % 5) * 5 AS x, t.y + (v.n / 5) * 2 AS y, 5 AS w, 2 AS h
                   FROM t CROSS JOIN generate_series(0, {VILLAGES_PER - 1}) v(n)),
             g AS (SELECT v.tid, v.id AS vid, {FIRST_GRID} + ((v.id - {FIRST_VILLAGE}) * {GRIDS_PER}) + g.n AS id,
                          v.x + (g.n % 5) AS x, v.y + (g.n / 5) AS y, 1 AS w, 1 AS h, g.n
                   FROM v CROSS JOIN generate_series(0, {GRIDS_PER - 1}) g(n)),
             all_areas AS (
                SELECT id, '镇' || lpad(n::text, 2, '0') AS name, '349901' || lpad(n::text, 3, '0') AS code, 2 AS level,
                       {COUNTY_ID} AS parent_id, lpad('{COUNTY_ID}', 6, '0') || '.' || lpad(id::text, 6, '0') || '.' AS path,
                       2 AS depth, x, y, w, h FROM t
                UNION ALL
                SELECT v.id, '村' || lpad((v.id - {FIRST_VILLAGE})::text, 3, '0'), '349901' || lpad((v.id - {FIRST_VILLAGE})::text, 6, '0'),
                       3, v.tid, lpad('{COUNTY_ID}', 6, '0') || '.' || lpad(v.tid::text, 6, '0') || '.' || lpad(v.id::text, 6, '0') || '.',
                       3, x, y, w, h FROM v
                UNION ALL
                SELECT g.id, '网格' || lpad((g.id - {FIRST_GRID})::text, 4, '0'), '349901' || lpad((g.id - {FIRST_GRID})::text, 8, '0'),
                       4, g.vid, lpad('{COUNTY_ID}', 6, '0') || '.' || lpad(g.tid::text, 6, '0') || '.' || lpad(g.vid::text, 6, '0')
                       || '.' || lpad(g.id::text, 6, '0') || '.', 4, x, y, w, h FROM g)
        INSERT INTO grids_area (id, name, code, level, parent_id, path, depth, boundary, min_lat, max_lat, min_lng, max_lng)
        SELECT id, name, code, level, parent_id, path, depth,
               jsonb_build_object('type', 'Polygon', 'coordinates', jsonb_build_array(jsonb_build_array(
                   jsonb_build_array({lng0} + x * {CELL}, {lat0} + y * {CELL}),
                   jsonb_build_array({lng0} + (x + w) * {CELL}, {lat0} + y * {CELL}),
                   jsonb_build_array({lng0} + (x + w) * {CELL}, {lat0} + (y + h) * {CELL}),
                   jsonb_build_array({lng0} + x * {CELL}, {lat0} + (y + h) * {CELL}),
                   jsonb_build_array({lng0} + x * {CELL}, {lat0} + y * {CELL})))),
               {lat0} + y * {CELL}, {lat0} + (y + h) * {CELL}, {lng0} + x * {CELL}, {lng0} + (x + w) * {CELL}
        FROM all_areas ORDER BY id
    """)
    sql("SELECT setval(pg_get_serial_sequence('grids_area', 'id'), (SELECT max(id) FROM grids_area))")


def generate_cases(n, leader_id, leaf_ids):
    """N cases over the two years before now: most accepted and closed (some late, some
    reworked, most rated), recent ones often still open, a few rejected."""
    channels = "ARRAY['grid_worker','grid_worker','grid_worker','hotline','hotline','resident_web','window'," \
               "'patrol','bureau_chief','leader']"
    open_statuses = "ARRAY['accepted','dispatched','in_progress','resolved','verified','returned']"
    sql("SELECT setseed(0.6)")
    sql(f"""
        INSERT INTO cases_case (number, access_code, title, description, category_id, channel, urgency,
            reporter_name, reporter_phone, latitude, longitude, address, area_id, level, handling_area_id,
            status, deadline, created_by_id, created_at, accepted_at, resolved_at, verified_at, closed_at,
            updated_at, deadline_provisional, reopened_count, satisfaction, satisfaction_comment, rating_source,
            rated_at)
        SELECT 'B-' || i, 'ABCDEF', '测试案件', '基准测试生成的案件', cat, channel, 'normal', '', '',
               lat, lng, '', grid, level,
               CASE level WHEN 4 THEN grid WHEN 3 THEN village WHEN 2 THEN township ELSE {COUNTY_ID} END,
               status, deadline, {leader_id}, created_at, accepted_at,
               CASE WHEN status IN ('resolved','verified','closed') THEN closed_at END,
               CASE WHEN status IN ('verified','closed') THEN closed_at END,
               CASE WHEN status = 'closed' THEN closed_at END,
               now(), false, CASE WHEN status = 'closed' AND r_rework < 0.04 THEN 1 ELSE 0 END,
               satisfaction, '', CASE WHEN satisfaction <> '' THEN 'resident' ELSE '' END,
               CASE WHEN satisfaction <> '' THEN closed_at + interval '1 hour' END
        FROM (
            SELECT i, grid, village, township, cat, channel, level, created_at, accepted_at, deadline, r_rework,
                   lat, lng,
                   CASE WHEN accepted_at IS NULL THEN 'rejected'
                        WHEN r_status < 0.01 THEN 'rejected'
                        WHEN r_open < CASE WHEN created_at > now() - interval '10 days' THEN 0.4 ELSE 0.02 END
                             THEN ({open_statuses})[1 + floor(r_pick * 6)::int]
                        ELSE 'closed' END AS status,
                   least(accepted_at + r_handle * interval '240 hours', now() - interval '1 minute') AS closed_at,
                   CASE WHEN r_rate < 0.7 AND accepted_at IS NOT NULL AND r_open >= CASE WHEN created_at > now()
                             - interval '10 days' THEN 0.4 ELSE 0.02 END AND r_status >= 0.01
                        THEN CASE WHEN r_sat < 0.85 THEN 'satisfied' WHEN r_sat < 0.95 THEN 'basic'
                                  ELSE 'dissatisfied' END
                        ELSE '' END AS satisfaction
            FROM (
                SELECT i, grid, {FIRST_VILLAGE} + (grid - {FIRST_GRID}) / {GRIDS_PER} AS village,
                       {FIRST_TOWNSHIP} + (grid - {FIRST_GRID}) / ({GRIDS_PER} * {VILLAGES_PER}) AS township,
                       cat, channel, level, created_at, r_status, r_open, r_pick, r_handle, r_rework, r_rate, r_sat,
                       CASE WHEN r_reject < 0.02 THEN NULL
                            ELSE least(created_at + r_accept * interval '6 hours', now() - interval '2 minutes')
                       END AS accepted_at,
                       created_at + (8 + r_limit * 112) * interval '1 hour' AS deadline,
                       31.0 + 0.004 AS lat, 117.0 + 0.004 AS lng
                FROM (
                    SELECT i, {FIRST_GRID} + floor(random() * {GRIDS})::int AS grid,
                           ('{{{",".join(map(str, leaf_ids))}}}'::int[])[1 + floor(random() * {len(leaf_ids)})::int] AS cat,
                           ({channels})[1 + floor(random() * 10)::int] AS channel,
                           CASE WHEN random() < 0.15 THEN 4 WHEN random() < 0.6 THEN 3
                                WHEN random() < 0.85 THEN 2 ELSE 1 END AS level,
                           date_trunc('second', now() - random() * interval '730 days') AS created_at,
                           random() AS r_reject, random() AS r_accept, random() AS r_status, random() AS r_open,
                           random() AS r_pick, random() AS r_handle, random() AS r_rework, random() AS r_rate,
                           random() AS r_sat, random() AS r_limit
                    FROM generate_series(1, {n}) i
                ) raw
            ) placed
        ) lived
    """)


def generate(n):
    from apps.accounts.models import Role, User
    from apps.cases.models import Category
    from apps.insights import rollups

    started = time.perf_counter()
    with transaction.atomic():
        sql("TRUNCATE cases_case, insights_rollup, grids_area, accounts_user, cases_category RESTART IDENTITY CASCADE")
        generate_areas()
        parents = Category.objects.bulk_create(
            [Category(code=f"B{p:02d}", name=f"大类{p}") for p in range(PARENTS)])
        leaves = Category.objects.bulk_create(
            [Category(code=f"B{p:02d}{k:02d}", name=f"小类{p}-{k}", parent=parents[p])
             for p in range(PARENTS) for k in range(LEAVES_PER)])
        leader = User.objects.create(username="bench-leader", role=Role.LEADER, area_id=COUNTY_ID)
    areas_s = time.perf_counter() - started
    with transaction.atomic():
        generate_cases(n, leader.pk, [c.pk for c in leaves])
    cases_s = time.perf_counter() - started - areas_s
    rows = rollups.rebuild()
    rollup_s = time.perf_counter() - started - areas_s - cases_s
    sql("ANALYZE cases_case")
    sql("ANALYZE insights_rollup")
    sql("ANALYZE grids_area")
    return {"generate_s": round(time.perf_counter() - started, 1), "areas_s": round(areas_s, 1),
            "cases_s": round(cases_s, 1), "rollups_s": round(rollup_s, 1), "rollup_rows": rows}


# ------------------------------------------------------------------ raw SQL
def raw_figures(area, period, before, trend_start, trend_end):
    """The dashboard's aggregates, hand-written over the cases table."""
    from apps.insights.models import COUNTERS

    tz = settings.TIME_ZONE
    depth = area.depth
    per_case = """
        1 AS accepted, (c.status = 'closed')::int AS closed,
        (c.status = 'closed' AND c.deadline IS NOT NULL AND c.closed_at <= c.deadline)::int AS on_time,
        (c.status = 'closed' AND c.reopened_count > 0)::int AS reworked,
        (c.satisfaction <> '')::int AS rated, (c.satisfaction IN ('satisfied', 'basic'))::int AS satisfied,
        (c.status NOT IN ('closed', 'rejected'))::int AS open_now,
        CASE WHEN c.status = 'closed' THEN floor(extract(epoch FROM c.closed_at - c.accepted_at))::bigint
             ELSE 0 END AS handling_seconds,
        (c.status = 'closed' AND c.level = 4)::int AS closed_grid,
        (c.status = 'closed' AND c.level = 3)::int AS closed_village,
        (c.status = 'closed' AND c.level = 2)::int AS closed_township,
        (c.status = 'closed' AND c.level = 1)::int AS closed_county"""
    sums = ", ".join(f"sum({c})::bigint" for c in COUNTERS)
    scope = "a.path LIKE %(prefix)s"
    in_period = ("c.accepted_at >= (%(start)s::timestamp AT TIME ZONE %(tz)s) "
                 "AND c.accepted_at < (%(end)s::timestamp AT TIME ZONE %(tz)s)")
    params = {"prefix": area.path + "%", "tz": tz}
    out = {}
    rows = sql(f"""
        SELECT GROUPING(child), GROUPING(category_id), GROUPING(channel), child, category_id, channel, {sums}
        FROM (SELECT split_part(a.path, '.', {depth + 1}) AS child, c.category_id, c.channel, {per_case}
              FROM cases_case c JOIN grids_area a ON a.id = c.area_id
              WHERE {scope} AND {in_period}) x
        GROUP BY GROUPING SETS ((), (child), (category_id), (channel))
    """, params | {"start": period.start, "end": period.end})
    out["children"], out["categories"], out["channels"] = {}, {}, {}
    for g_child, g_cat, g_chan, child, cat, chan, *values in rows:
        counters = dict(zip(COUNTERS, (int(v) for v in values)))
        if g_child and g_cat and g_chan:
            out["totals"] = counters
        elif not g_child:
            out["children"][str(int(child))] = counters
        elif not g_cat:
            out["categories"][str(cat)] = counters
        else:
            out["channels"][chan] = counters
    out.setdefault("totals", dict.fromkeys(COUNTERS, 0))
    (values,) = sql(f"""SELECT {sums} FROM (SELECT {per_case} FROM cases_case c JOIN grids_area a ON a.id = c.area_id
                                           WHERE {scope} AND {in_period}) x""",
                    params | {"start": before.start, "end": before.end})
    out["previous"] = dict(zip(COUNTERS, (int(v or 0) for v in values)))
    rows = sql(f"""
        SELECT to_char(month, 'YYYY-MM'), {sums}
        FROM (SELECT date_trunc('month', c.accepted_at AT TIME ZONE %(tz)s) AS month, {per_case}
              FROM cases_case c JOIN grids_area a ON a.id = c.area_id WHERE {scope} AND {in_period}) x
        GROUP BY 1 ORDER BY 1
    """, params | {"start": trend_start, "end": trend_end})
    out["trend"] = {month: dict(zip(COUNTERS, (int(v) for v in values))) for month, *values in rows}
    return out


def check_equal(body, raw, area):
    """The endpoint's figures equal the raw SQL's, to the case."""
    from apps.insights import kpis

    assert body["totals"] == raw["totals"], (body["totals"], raw["totals"])
    assert {t["key"]: t["previous"] for t in body["kpis"]} == kpis.figures(raw["previous"])
    assert {t["key"]: t["value"] for t in body["kpis"]} == kpis.figures(raw["totals"])
    children = {str(r["key"]): r["counters"] for r in body["children"] if r["counters"]["accepted"]}
    assert children == raw["children"], "children differ"
    assert {r["key"]: r["counters"] for r in body["categories"]} == raw["categories"], "categories differ"
    assert {r["key"]: r["counters"] for r in body["channels"]} == raw["channels"], "channels differ"
    trend = {t["month"]: t["counters"] for t in body["trend"] if t["counters"]["accepted"]}
    assert trend == raw["trend"], "trend differs"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(client, url, area, period, runs, raw_runs):
    from apps.insights import periods

    before = periods.previous(period)
    trend_start = periods._month_start(period.last_day, back=11)
    trend_end = periods._month_start(period.last_day, back=-1)
    for _ in range(3):  # warm caches and connections
        client.get(url)
    raw_figures(area, period, before, trend_start, trend_end)
    endpoint, raw = [], []
    for i in range(max(runs, raw_runs)):
        if i < runs:
            started = time.perf_counter()
            response = client.get(url)
            endpoint.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        if i < raw_runs:  # the raw SQL takes seconds at 1,000,000 cases: fewer runs
            started = time.perf_counter()
            figures = raw_figures(area, period, before, trend_start, trend_end)
            raw.append((time.perf_counter() - started) * 1000)
    check_equal(json.loads(response.content), figures, area)
    e50, e95 = statistics.median(endpoint), percentile(endpoint, 0.95)
    r50, r95 = statistics.median(raw), percentile(raw, 0.95)
    return {"accepted": figures["totals"]["accepted"], "endpoint_p50_ms": round(e50, 1),
            "endpoint_p95_ms": round(e95, 1), "raw_sql_p50_ms": round(r50, 1), "raw_sql_p95_ms": round(r95, 1),
            "ratio_p50": round(e50 / r50, 3), "ratio_p95": round(e95 / r95, 3)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--raw-runs", type=int, default=10)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/insights.py needs PostgreSQL: set DATABASE_URL=postgres://…/<scratch database>")
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)

    from apps.accounts.models import User
    from apps.grids.models import Area
    from apps.insights import periods

    existing = sql("SELECT count(*) FROM cases_case")[0][0]
    generated = {"generate_s": None, "reused": True}
    if args.regenerate or existing != args.cases or not Area.objects.filter(pk=COUNTY_ID).exists():
        generated = generate(args.cases)
    leader = User.objects.get(username="bench-leader")
    client = Client()
    client.force_login(leader)
    county = Area.objects.get(pk=COUNTY_ID)
    township = Area.objects.get(pk=FIRST_TOWNSHIP + 7)
    views = {
        "a_30d_county_by_township": (county, "30d"),
        "b_year_by_township": (county, "year"),
        "c_township_by_village": (township, "year"),
    }
    result = {"cases": sql("SELECT count(*) FROM cases_case")[0][0], "grids": GRIDS, **generated,
              "cpus": os.cpu_count(), "runs": args.runs, "raw_runs": args.raw_runs}
    for name, (area, code) in views.items():
        period = periods.parse(code)
        url = f"/insights/data.json?area={area.pk}&period={code}"
        result[name] = measure(client, url, area, period, args.runs, args.raw_runs)
    result["target_p95_ms"] = 150
    result["meets_target"] = all(result[name]["endpoint_p95_ms"] <= 150 for name in views)
    result["figures_equal_raw_sql"] = True  # check_equal raised otherwise
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
