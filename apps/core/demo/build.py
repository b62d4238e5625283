"""Builds the demo county through the models and the real case services.

Deterministic (a fixed random seed) and idempotent: every object is looked up by its
code or username first, and cases are generated only when the county has none.
"""
import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from shapely.geometry import Polygon, mapping
from shapely.ops import unary_union

from apps.accounts.models import Role, User
from apps.cases import services as case_services
from apps.cases.models import Case, Category
from apps.grids.models import Area, Department, Grid, Level
from apps.dispatch.demo import seed_dispatch
from apps.inventories.demo import seed_inventories

from . import data

# County extent (WGS-84), split into a 20 × 10 lattice of grid cells.
WEST, EAST, SOUTH, NORTH = 117.70, 118.10, 31.50, 31.80
COLUMNS, ROWS = 20, 10
CELLS_PER_VILLAGE = 5
SEED = 20261122

PERSONAS = [
    # username, role, family name, given name, where
    ("gridworker", Role.GRID_WORKER, "张", "海燕", "grid"),
    ("village", Role.VILLAGE_CADRE, "李", "建国", "village"),
    ("township", Role.TOWNSHIP_DISPATCHER, "王", "志强", "township"),
    ("dispatcher", Role.COUNTY_DISPATCHER, "陈", "晓东", "county"),
    ("department", Role.DEPARTMENT_OFFICIAL, "刘", "丽娟", "department"),
    ("mediator", Role.MEDIATOR, "周", "德福", "township"),
    ("leader", Role.LEADER, "赵", "国华", "county"),
    ("admin", Role.ADMIN, "系统", "管理员", "county"),
]


def _lattice(rng):
    """Lattice corners; interior ones jittered so grids look drawn, not ruled. Neighbouring
    cells share their corners, so the polygons tile the county without overlap."""
    dx, dy = (EAST - WEST) / COLUMNS, (NORTH - SOUTH) / ROWS
    points = {}
    for i in range(COLUMNS + 1):
        for j in range(ROWS + 1):
            x, y = WEST + i * dx, SOUTH + j * dy
            if 0 < i < COLUMNS:
                x += rng.uniform(-0.15, 0.15) * dx
            if 0 < j < ROWS:
                y += rng.uniform(-0.15, 0.15) * dy
            points[i, j] = (round(x, 6), round(y, 6))
    return points


def _cell(points, i, j):
    ring = [points[i, j], points[i + 1, j], points[i + 1, j + 1], points[i, j + 1], points[i, j]]
    return Polygon(ring)


def _geojson(geom):
    geom = geom.buffer(0)
    return {"type": geom.geom_type, "coordinates": mapping(geom)["coordinates"]}


def _upsert_area(*, code, name, level, parent, boundary):
    area = Area.objects.filter(code=code).first()
    if area is None:
        area = Area(code=code)
    area.name, area.level, area.parent, area.boundary = name, level, parent, boundary
    area.save()
    return area


def _township_of(col, row):
    """Six townships: left and right halves × three bands of rows (4, 3, 3)."""
    band = 0 if row < 4 else 1 if row < 7 else 2
    return band * 2 + (0 if col < COLUMNS // 2 else 1)


def build_areas(rng):
    county_name, county_code = data.COUNTY
    points = _lattice(rng)
    cells = {(i, j): _cell(points, i, j) for i in range(COLUMNS) for j in range(ROWS)}
    county = _upsert_area(code=county_code, name=county_name, level=Level.COUNTY, parent=None,
                          boundary=_geojson(unary_union(list(cells.values()))))
    # Villages: five adjacent cells of one row.
    villages_by_township = {t: [] for t in range(len(data.TOWNSHIPS))}
    for row in range(ROWS):
        for v in range(COLUMNS // CELLS_PER_VILLAGE):
            cols = range(v * CELLS_PER_VILLAGE, (v + 1) * CELLS_PER_VILLAGE)
            villages_by_township[_township_of(cols[0], row)].append([(c, row) for c in cols])
    communities, villages = iter(data.COMMUNITY_NAMES), iter(data.VILLAGE_NAMES)
    townships, grids = [], []
    for t_index, (t_name, urban) in enumerate(data.TOWNSHIPS):
        members = villages_by_township[t_index]
        t_cells = [cells[c] for village in members for c in village]
        township = _upsert_area(code=f"{county_code}{t_index + 1:03d}", name=t_name, level=Level.TOWNSHIP,
                                parent=county, boundary=_geojson(unary_union(t_cells)))
        townships.append(township)
        for v_index, village_cells in enumerate(members):
            v_name = next(communities) if urban else next(villages)
            village = _upsert_area(code=f"{township.code}{v_index + 1:03d}", name=v_name, level=Level.VILLAGE,
                                   parent=township, boundary=_geojson(unary_union([cells[c] for c in village_cells])))
            for g_index, c in enumerate(village_cells):
                grid_area = _upsert_area(code=f"{village.code}{g_index + 1:02d}", name=f"{v_name}第{g_index + 1}网格",
                                         level=Level.GRID, parent=village, boundary=_geojson(cells[c]))
                households = rng.randint(300, 600) if urban else rng.randint(150, 350)
                grid, _created = Grid.objects.update_or_create(area=grid_area, defaults={
                    "kind": Grid.Kind.URBAN if urban else Grid.Kind.RURAL,
                    "households": households, "population": int(households * rng.uniform(2.6, 3.1)),
                })
                grids.append(grid)
    return county, townships, grids


def build_departments(county):
    return {
        code: Department.objects.update_or_create(code=code, defaults={"name": name, "area": county})[0]
        for name, code in data.DEPARTMENTS
    }


def build_categories():
    leaves = {}
    for code, name, children in data.CATEGORIES:
        parent, _c = Category.objects.update_or_create(code=code, defaults={"name": name, "parent": None})
        for c_code, c_name, level, dept in children:
            hours = data.HOURS[level]
            leaf, _c = Category.objects.update_or_create(code=c_code, defaults={
                "name": c_name, "parent": parent, "default_level": level, "hours_grid": hours[0],
                "hours_village": hours[1], "hours_township": hours[2], "hours_county": hours[3],
            })
            leaves[c_code] = (leaf, dept)
    return leaves


def _person(rng):
    return rng.choice(data.SURNAMES), rng.choice(data.GIVEN)


def _user(username, *, role, password_hash, last, first, area=None, department=None, staff=False):
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role, user.area, user.department = role, area, department
    user.last_name, user.first_name = last, first
    user.password = password_hash
    user.is_staff = user.is_superuser = staff
    user.save()
    return user


def build_people(rng, *, county, townships, grids, departments, password):
    """The eight personas (with the demo password) and the grid teams 一长三员 and department
    staff (no usable password: they exist so grids and tickets have real people)."""
    persona_hash = make_password(password)
    first_grid = grids[0]
    places = {
        "grid": first_grid.area, "village": first_grid.area.parent, "township": townships[0], "county": county,
    }
    personas = {}
    for username, role, last, first, where in PERSONAS:
        personas[username] = _user(
            username, role=role, password_hash=persona_hash, last=last, first=first,
            area=None if where == "department" else places[where],
            department=departments["CGJ"] if where == "department" else None, staff=username == "admin",
        )
    unusable = make_password(None)
    instructors = {}
    for township in townships:
        last, first = _person(rng)
        instructors[township.pk] = _user(f"zd{township.code}", role=Role.VILLAGE_CADRE, password_hash=unusable,
                                         last=last, first=first, area=township)
    chiefs = {}
    for grid in grids:
        village = grid.area.parent
        if village.pk not in chiefs:
            last, first = _person(rng)
            chiefs[village.pk] = (personas["village"] if village.pk == places["village"].pk else
                                  _user(f"wgz{village.code}", role=Role.VILLAGE_CADRE, password_hash=unusable,
                                        last=last, first=first, area=village))
        last, first = _person(rng)
        worker = personas["gridworker"] if grid.pk == first_grid.pk else _user(
            f"wgy{grid.area.code}", role=Role.GRID_WORKER, password_hash=unusable, last=last, first=first,
            area=grid.area)
        last, first = _person(rng)
        part_timer = _user(f"jz{grid.area.code}", role=Role.GRID_WORKER, password_hash=unusable, last=last,
                           first=first, area=grid.area)
        grid.chief, grid.full_time_worker = chiefs[village.pk], worker
        grid.instructor = instructors[village.parent_id]
        grid.save(update_fields=["chief", "full_time_worker", "instructor"])
        grid.part_time_workers.set([part_timer])
    officials = {"CGJ": personas["department"]}
    for code, department in departments.items():
        if code not in officials:
            last, first = _person(rng)
            officials[code] = _user(f"bm{code.lower()}", role=Role.DEPARTMENT_OFFICIAL, password_hash=unusable,
                                    last=last, first=first, department=department)
    return personas, officials


# Share of cases by how far they got, for cases older than two months; recent ones are
# more often still open.
OLD_OUTCOMES = [("closed", 86), ("rejected", 5), ("verified", 3), ("resolved", 2), ("in_progress", 2),
                ("dispatched", 1), ("returned", 1)]
NEW_OUTCOMES = [("closed", 40), ("rejected", 5), ("verified", 8), ("resolved", 10), ("in_progress", 12),
                ("dispatched", 10), ("accepted", 5), ("returned", 3), ("reported", 7)]
STEPS = ["accepted", "dispatched", "in_progress", "resolved", "verified", "closed"]


def _pick(rng, weighted):
    return rng.choices([o for o, _w in weighted], weights=[w for _o, w in weighted])[0]


def build_cases(rng, *, count, county, grids, leaves, personas, officials, now=None):
    """File and move `count` cases over the last twelve months through the real services."""
    now = now or timezone.now()
    dispatcher = personas["dispatcher"]
    codes = sorted(leaves)
    made = 0
    for index in range(count):
        grid = rng.choice(grids)
        leaf, dept_code = leaves[rng.choice(codes)]
        age_days = (index / count) * 360
        filed = now - timedelta(days=360 - age_days, hours=rng.uniform(0, 8))
        outcome = _pick(rng, OLD_OUTCOMES if age_days < 300 else NEW_OUTCOMES)
        worker = grid.full_time_worker
        point = grid.area.boundary["coordinates"][0]
        xs, ys = [p[0] for p in point], [p[1] for p in point]
        lng = (sum(xs[:-1]) / 4) + rng.uniform(-0.2, 0.2) * (max(xs) - min(xs)) / 2
        lat = (sum(ys[:-1]) / 4) + rng.uniform(-0.2, 0.2) * (max(ys) - min(ys)) / 2
        surname, given = _person(rng)
        description = data.DESCRIPTIONS[leaf.code].format(
            n=rng.randint(1, 30), addr=f"{rng.choice(data.STREETS)}{rng.randint(1, 300)}号附近", name=surname + given)
        case = case_services.case_create(
            actor=worker, category=leaf, description=description, latitude=round(lat, 6), longitude=round(lng, 6),
            address=f"{grid.area.parent.name}{rng.choice(data.STREETS)}", reporter_name=surname + given,
            reporter_phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}", now=filed,
        )
        t = filed
        def later(hours):
            nonlocal t
            t = t + timedelta(hours=rng.uniform(0.2, hours))
            return t
        official = officials[dept_code]
        if outcome == "rejected":
            case_services.case_reject(case=case, actor=dispatcher, note="不属于受理范围，已告知反映人", now=later(4))
        elif outcome == "returned":
            case_services.case_accept(case=case, actor=dispatcher, now=later(2))
            case_services.case_dispatch(case=case, actor=dispatcher, department=official.department, now=later(2))
            case_services.case_return(case=case, actor=official, note="不属于本部门职责，请重新派遣", now=later(6))
        elif outcome != "reported":
            target = STEPS.index(outcome)
            case_services.case_accept(case=case, actor=dispatcher, now=later(2))
            if target >= 1:
                case_services.case_dispatch(case=case, actor=dispatcher, department=official.department,
                                            now=later(3))
            if target >= 2:
                case_services.case_sign(case=case, actor=official, now=later(2))
            if target >= 3:
                case_services.case_resolve(case=case, actor=official, note="已到现场处置完毕", now=later(30))
            if target >= 4:
                case_services.case_verify(case=case, actor=worker, note="现场核查，已整改", now=later(8))
            if target >= 5:
                case_services.case_close(case=case, actor=dispatcher, now=later(4))
        made += 1
    return made


def build(*, password, cases=360):
    """Everything, in one transaction: a failure leaves no half-built county."""
    rng = random.Random(SEED)
    with transaction.atomic():
        county, townships, grids = build_areas(rng)
        departments = build_departments(county)
        leaves = build_categories()
        personas, officials = build_people(rng, county=county, townships=townships, grids=grids,
                                           departments=departments, password=password)
        seed_inventories(county)  # 清单 at the seeds' sizes, before cases so intake obeys them
        seed_dispatch(county)  # the hotline account and a directive from the county
        existing = Case.objects.filter(area__path__startswith=county.path).count()
        made = 0
        if existing == 0 and cases:
            made = build_cases(rng, count=cases, county=county, grids=grids, leaves=leaves, personas=personas,
                               officials=officials)
    return {"county": county, "townships": len(townships), "grids": len(grids), "departments": len(departments),
            "categories": len(leaves), "cases_made": made, "cases_existing": existing}
