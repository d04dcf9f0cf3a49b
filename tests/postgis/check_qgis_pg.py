#!/usr/bin/python3
r"""Opens PostGIS tables in QGIS (PyQGIS, postgres provider) and checks what an analyst gets.

Usage (Debian's Python, which has python3-qgis; after pg_start of pg_cluster.sh, so that
PGSERVICEFILE and PGPASSFILE name the test cluster's service and password files):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/postgis/check_qgis_pg.py \
        [-v] [--require-styles] SERVICE SCHEMA [TABLE...]

Without TABLE, every table and view of SCHEMA. -v prints, per table, what QGIS shows.
--require-styles also fails a table without a default style in public.layer_styles.

For every table, as the role of SERVICE:
  - QGIS opens it (QgsDataSourceUri: the service, SCHEMA, TABLE, its geometry column from
    geometry_columns, none for a plain table, key column fid) and the layer is valid;
  - QGIS counts as many features as SELECT count(*);
  - when public.layer_styles holds a default style (useasdefault) for
    (current_database(), SCHEMA, TABLE): QGIS applied that style on opening (renderer type,
    categories or classes, labels on or off, for a layer with geometry; every field alias),
    loadDefaultStyle() succeeds and the provider's default style is that row's styleqml;
  - every other (named) style of the table is listed by QGIS and applies cleanly.
The checks of a style are tests/qgis/check_outputs.py's (its functions, imported).
Prints one line per failure and exits 1 when there is any, 0 otherwise (2 on bad usage).
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "qgis"))

import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402
from check_outputs import (  # noqa: E402
    check_aliases,
    check_named_styles,
    check_renderer,
    describe,
    expected,
)
from qgis.core import (  # noqa: E402  (after the platform is set)
    Qgis,
    QgsApplication,
    QgsDataSourceUri,
    QgsProviderRegistry,
    QgsVectorLayer,
)


def schema_tables(cur, schema):
    """Every table, view, materialized view and partitioned table of a schema, by name.
    From pg_catalog, not information_schema: a table the role may not read is listed (and
    then fails), not silently left out."""
    cur.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
                "ORDER BY c.relname", (schema,))
    return [r[0] for r in cur.fetchall()]


def geometry_column(cur, schema, table):
    """The table's geometry column per the geometry_columns view (the first), or None."""
    cur.execute("SELECT f_geometry_column FROM geometry_columns "
                "WHERE f_table_schema = %s AND f_table_name = %s "
                "ORDER BY f_geometry_column LIMIT 1", (schema, table))
    row = cur.fetchone()
    return row[0] if row else None


def has_styles_table(cur):
    cur.execute("SELECT to_regclass('public.layer_styles') IS NOT NULL")
    return cur.fetchone()[0]


def table_styles(cur, schema, table):
    """(id, stylename, useasdefault, styleqml, f_geometry_column, type) of the table's rows
    in public.layer_styles, for this database."""
    cur.execute("SELECT id, stylename, coalesce(useasdefault, false), styleqml::text, "
                "f_geometry_column, type FROM public.layer_styles "
                "WHERE f_table_catalog = current_database() AND f_table_schema = %s "
                "AND f_table_name = %s ORDER BY id", (schema, table))
    return cur.fetchall()


def check_aliases_once(layer, want, where, failures):
    """check_outputs.check_aliases, in one line when none of the style's aliases is applied
    (the style was not applied at all) rather than one line per field."""
    found = []
    check_aliases(layer, want, where, found)
    if found and len(found) == len(want["aliases"]) > 1:
        field, alias = next(iter(want["aliases"].items()))
        failures.append(f"{where}: none of the style's {len(found)} field aliases is applied "
                        f"(e.g. {field} = '{alias}')")
    else:
        failures.extend(found)


def check_table(cur, service, schema, table, failures, log, verbose=False,
                require_styles=False, styles_table=True):
    where = f"{service}:{schema}.{table}"
    try:
        cur.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)))
        count = cur.fetchone()[0]
        geom = geometry_column(cur, schema, table)
        cur.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = %s "
                    "AND table_name = %s AND column_name = 'fid'", (schema, table))
        has_fid = cur.fetchone()[0] == 1
        rows = table_styles(cur, schema, table) if styles_table else []
    except psycopg2.Error as e:
        cur.connection.rollback()
        failures.append(f"{where}: {str(e).strip().splitlines()[0]}")
        return
    if not has_fid:
        failures.append(f"{where}: no column fid (the key column QGIS is given)")
        return

    uri = QgsDataSourceUri()
    uri.setConnection(service, "", "", "")
    uri.setDataSource(schema, table, geom or "", "", "fid")
    source = uri.uri(False)
    del log[:]
    layer = QgsVectorLayer(source, table, "postgres")
    if not layer.isValid():
        why = "; ".join(log[-3:]) or layer.error().summary() or "no message"
        failures.append(f"{where}: QGIS cannot open it ({source}): {why}")
        return
    if layer.featureCount() != count:
        failures.append(f"{where}: QGIS counts {layer.featureCount()} features, "
                        f"PostgreSQL {count}")
    if verbose:
        print(f"{where}: {layer.featureCount()} features, geometry "
              f"{geom or 'none'}; {describe(layer)}")

    defaults = [r for r in rows if r[2]]
    if require_styles and not defaults:
        failures.append(f"{where}: no default style in public.layer_styles")
    if len(defaults) > 1:
        failures.append(f"{where}: {len(defaults)} default styles")
    if defaults:
        _, style_name, _, qml, style_geom, style_type = defaults[-1]
        # QGIS 3.22 looks the row up by f_geometry_column = the column (IS NULL without one:
        # '' is not NULL) and (type = 'Unknown geometry' OR type IS NULL).
        if style_geom != geom:
            failures.append(f"{where}: the default style '{style_name}' has f_geometry_column "
                            f"{style_geom!r}, the table's geometry column is {geom!r}")
        want = expected(qml)
        # QGIS applied the database's default style when it opened the layer ...
        if geom:
            check_renderer(layer, want, f"{where} (on opening)", failures)
        check_aliases_once(layer, want, f"{where} (on opening)", failures)
        # ... and finds it again on request.
        message, ok = layer.loadDefaultStyle()
        if not ok:
            failures.append(f"{where}: loadDefaultStyle() failed: {message}")
        got = QgsProviderRegistry.instance().loadStyle("postgres", source, "")
        got = got[0] if isinstance(got, tuple) else got
        if got != qml:
            failures.append(f"{where}: the provider's default style is not the useasdefault "
                            f"row '{style_name}' (its f_geometry_column {style_geom!r}, "
                            f"type {style_type!r})")
        if geom:
            check_renderer(layer, want, f"{where} (loadDefaultStyle)", failures)

    # Every named alternative is listed and applies.
    if rows:
        check_named_styles(layer, [(r[1], r[3]) for r in rows],
                           lambda: QgsVectorLayer(source, table, "postgres"), where, failures,
                           aliases=check_aliases_once, renderer=bool(geom))


def main(argv):
    flags = {"-v", "--require-styles"}
    args = [a for a in argv[1:] if a not in flags]
    if len(args) < 2 or any(a.startswith("-") for a in args):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    verbose = "-v" in argv[1:]
    require_styles = "--require-styles" in argv[1:]
    service, schema, tables = args[0], args[1], args[2:]
    try:
        con = psycopg2.connect(service=service)
    except psycopg2.Error as e:
        print(f"check_qgis_pg: cannot connect to service {service}: {str(e).strip()}",
              file=sys.stderr)
        return 1
    con.autocommit = True
    cur = con.cursor()
    if not tables:
        tables = schema_tables(cur, schema)
    styles_table = has_styles_table(cur)

    app = QgsApplication([], False)
    app.initQgis()
    log = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: log.append(f"{tag}: {message}"))
    failures = []
    if not tables:
        failures.append(f"{service}:{schema}: no tables")
    for table in tables:
        check_table(cur, service, schema, table, failures, log, verbose, require_styles,
                    styles_table)
    con.close()
    for f in failures:
        print(f"check_qgis_pg: {f}", file=sys.stderr)
    app.exitQgis()
    if not failures:
        print(f"check_qgis_pg: {len(tables)} table(s) of {schema} (service {service}): each "
              f"opens in QGIS {Qgis.QGIS_VERSION} as styled")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
