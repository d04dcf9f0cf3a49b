#!/usr/bin/python3
"""Opens Vigía's GeoPackages in QGIS (PyQGIS) and checks what an analyst would get.

Usage (Debian's Python, which has python3-qgis; not a pyenv one):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis/check_outputs.py \
        [-v] [--require-styles] out/demo/*.gpkg

-v prints, per layer, what QGIS shows: renderer, classes, labels, an alias.
--require-styles also fails a layer or table without a default style in layer_styles.

For every layer and table of every file:
  - QGIS loads it (`path|layername=X`, OGR provider) and the layer is valid;
  - QGIS counts as many features as SQLite holds;
  - when `layer_styles` holds a default style for it: QGIS applied that style on opening
    (renderer type, number of categories or classes, labels on or off), loadDefaultStyle()
    succeeds, every alias of the style is applied, and grid's gi_class has an alias; a grid
    styled by gi_class has the 7 Gi* classes 3 … -3;
  - every other (named) style of the layer is listed by QGIS and applies cleanly.
Prints one line per failure and exits 1 when there is any, 0 otherwise (2 on bad usage).
"""

import os
import sqlite3
import sys
import xml.etree.ElementTree as ET

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402  (after the platform is set)
    Qgis,
    QgsApplication,
    QgsProviderRegistry,
    QgsVectorLayer,
)
from qgis.PyQt.QtXml import QDomDocument  # noqa: E402

RENDERER_CLASSES = {
    "categorizedSymbol": "QgsCategorizedSymbolRenderer",
    "graduatedSymbol": "QgsGraduatedSymbolRenderer",
    "singleSymbol": "QgsSingleSymbolRenderer",
    "RuleRenderer": "QgsRuleBasedRenderer",
}


def tables(path):
    """(name, data_type, row count) of every layer and table of a GeoPackage."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = con.execute(
            "SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid").fetchall()
        out = []
        for name, kind in names:
            count = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            out.append((name, kind, count))
        return out
    finally:
        con.close()


def styles(path):
    """layer name -> list of (id, styleName, useAsDefault, styleQML), or {} without a table."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'layer_styles'").fetchone():
            return {}
        out = {}
        for row in con.execute("SELECT id, f_table_name, styleName, useAsDefault, styleQML "
                               "FROM layer_styles ORDER BY id"):
            out.setdefault(row[1], []).append((row[0], row[2], bool(row[3]), row[4]))
        return out
    finally:
        con.close()


def expected(qml):
    """What a QML promises: renderer type, category values or class count, labels, aliases."""
    root = ET.fromstring(qml.split("\n", 1)[1] if qml.startswith("<!DOCTYPE") else qml)
    renderer = root.find("renderer-v2")
    out = {
        "renderer": renderer.get("type") if renderer is not None else None,
        "attr": renderer.get("attr") if renderer is not None else None,
        "categories": [c.get("value") for c in root.iter("category")],
        "ranges": len(list(root.iter("range"))),
        "rules": len(list(root.iter("rule"))),
        "labels": root.get("labelsEnabled") == "1",
        "aliases": {a.get("field"): a.get("name") for a in root.iter("alias") if a.get("name")},
    }
    return out


def check_renderer(layer, want, where, failures):
    """The layer's renderer against what the QML promises."""
    if want["renderer"] is None:
        return
    r = layer.renderer()
    got = r.type() if r else None
    if got != want["renderer"]:
        failures.append(f"{where}: renderer {got}, the style has {want['renderer']}")
        return
    if got == "categorizedSymbol":
        values = [str(c.value()) for c in r.categories()]
        if values != want["categories"]:
            failures.append(f"{where}: categories {values}, the style has {want['categories']}")
        if r.classAttribute() != want["attr"]:
            failures.append(f"{where}: categorized on {r.classAttribute()}, not {want['attr']}")
        if want["attr"] and want["attr"].startswith("gi_class") and \
                values != ["3", "2", "1", "0", "-1", "-2", "-3"]:
            failures.append(f"{where}: Gi* classes {values}, expected 3 … -3")
    elif got == "graduatedSymbol":
        if len(r.ranges()) != want["ranges"] or want["ranges"] == 0:
            failures.append(f"{where}: {len(r.ranges())} classes, the style has {want['ranges']}")
        if r.classAttribute() != want["attr"]:
            failures.append(f"{where}: graduated on {r.classAttribute()}, not {want['attr']}")
    elif got == "RuleRenderer":
        rules = r.rootRule().children()
        if len(rules) != want["rules"]:
            failures.append(f"{where}: {len(rules)} rules, the style has {want['rules']}")
    if layer.labelsEnabled() != want["labels"]:
        failures.append(f"{where}: labels {'on' if layer.labelsEnabled() else 'off'}, the style "
                        f"says {'on' if want['labels'] else 'off'}")


def check_aliases(layer, want, where, failures):
    fields = layer.fields()
    for field, alias in want["aliases"].items():
        i = fields.indexFromName(field)
        if i < 0:
            failures.append(f"{where}: the style gives an alias to '{field}', which QGIS does "
                            f"not list")
        elif layer.attributeAlias(i) != alias:
            failures.append(f"{where}: field '{field}' has alias '{layer.attributeAlias(i)}', "
                            f"the style says '{alias}'")


def describe(layer):
    """One line of what QGIS shows for a layer."""
    r = layer.renderer()
    parts = [r.type() if r else "no renderer"]
    if r and r.type() in ("categorizedSymbol", "graduatedSymbol"):
        parts.append(f"on {r.classAttribute()}")
        items = r.categories() if r.type() == "categorizedSymbol" else r.ranges()
        parts.append("[" + "; ".join(i.label() for i in items) + "]")
    if layer.labelsEnabled():
        parts.append(f"labels from {layer.labeling().settings().fieldName}")
    fields = layer.fields()
    named = [(f.name(), layer.attributeAlias(i)) for i, f in enumerate(fields)
             if layer.attributeAlias(i)]
    parts.append(f"{len(named)}/{len(fields)} aliases")
    if named:
        parts.append(f"e.g. {named[min(1, len(named) - 1)][0]} = '{named[min(1, len(named) - 1)][1]}'")
    return ", ".join(parts)


def check_file(path, failures, verbose=False, require_styles=False):
    if not os.path.isfile(path):
        failures.append(f"{path}: no such file")
        return
    try:
        contents = tables(path)
        by_layer = styles(path)
    except sqlite3.Error as e:
        failures.append(f"{path}: not a GeoPackage SQLite can read: {e}")
        return
    for name, kind, count in contents:
        where = f"{path}|{name}"
        uri = f"{path}|layername={name}"
        layer = QgsVectorLayer(uri, name, "ogr")
        if not layer.isValid():
            failures.append(f"{where}: QGIS cannot load it ({kind})")
            continue
        if layer.featureCount() != count:
            failures.append(f"{where}: QGIS counts {layer.featureCount()} features, SQLite {count}")
        if verbose:
            print(f"{where}: {layer.featureCount()} features; {describe(layer)}")
        rows = by_layer.get(name, [])
        defaults = [r for r in rows if r[2]]
        if require_styles and not defaults and name != "layer_styles":
            failures.append(f"{where}: no default style in layer_styles")
        if len(defaults) > 1:
            failures.append(f"{where}: {len(defaults)} default styles")
        if defaults:
            want = expected(defaults[0][3])
            # QGIS applied the database's default style when it opened the layer ...
            check_renderer(layer, want, f"{where} (on opening)", failures)
            check_aliases(layer, want, f"{where} (on opening)", failures)
            # ... and finds it again on request.
            message, ok = layer.loadDefaultStyle()
            if not ok:
                failures.append(f"{where}: loadDefaultStyle() failed: {message}")
            qml = QgsProviderRegistry.instance().loadStyle("ogr", uri, "")
            qml = qml[0] if isinstance(qml, tuple) else qml
            if qml != defaults[0][3]:
                failures.append(f"{where}: the provider's default style is not the "
                                f"useAsDefault row '{defaults[0][1]}'")
            check_renderer(layer, want, f"{where} (loadDefaultStyle)", failures)
            if name == "grid":
                i = layer.fields().indexFromName("gi_class")
                if i >= 0 and not layer.attributeAlias(i):
                    failures.append(f"{where}: gi_class has no alias")
        # Every named alternative is listed and applies.
        if rows:
            check_named_styles(layer, [(r[1], r[3]) for r in rows],
                               lambda: QgsVectorLayer(uri, name, "ogr"), where, failures)

def check_named_styles(layer, styles, open_layer, where, failures, aliases=None,
                       renderer=True):
    """Every (name, qml) of `styles` is listed by QGIS for `layer` and applies cleanly to a
    layer fresh from open_layer(): its renderer (unless renderer=False, a table) and aliases
    (checked by `aliases`, check_aliases by default)."""
    aliases = aliases or check_aliases
    # (related count, ids, names, descriptions, error): the layer's own styles come first
    # (QGIS 3.22 then repeats other layers' rows, which are not looked at).
    listed = layer.listStylesInDatabase()
    names = set(listed[2][:listed[0]]) if listed[0] > 0 else set()
    for style_name, style_qml in styles:
        if style_name not in names:
            failures.append(f"{where}: QGIS does not list the style '{style_name}'")
            continue
        other = open_layer()
        doc = QDomDocument()
        doc.setContent(style_qml)
        ok, message = other.importNamedStyle(doc)
        if not ok:
            failures.append(f"{where}: style '{style_name}' does not apply: {message}")
            continue
        want = expected(style_qml)
        if renderer:
            check_renderer(other, want, f"{where} style '{style_name}'", failures)
        aliases(other, want, f"{where} style '{style_name}'", failures)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    verbose = "-v" in argv[1:]
    require_styles = "--require-styles" in argv[1:]
    paths = [a for a in argv[1:] if a not in ("-v", "--require-styles")]
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    app = QgsApplication([], False)
    app.initQgis()
    failures = []
    for path in paths:
        check_file(path, failures, verbose, require_styles)
    for f in failures:
        print(f"check_outputs: {f}", file=sys.stderr)
    app.exitQgis()
    if not failures:
        print(f"check_outputs: {len(paths)} GeoPackage(s): every layer loads in QGIS "
              f"{Qgis.QGIS_VERSION} as styled")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
