// vigia_golden: compares two output folders value by value (issue 11). Every GeoPackage's
// tables (every row, every column, geometries as WKB), its metadata, every raster's pixels,
// every CSV's cells, every PNG's bytes and every report page's lines; timings (run_info and
// metadata keys time_*_s), run_at_utc, gpkg_contents.last_change and layer_styles.update_time are
// left out. Exit 0: identical; 1: differences (listed); 2: usage or unreadable files.
//
//   vigia_golden [--tolerance REL] [--ignore-table NAME]... [--ignore-column TABLE.COLUMN]...
//                [--ignore-key REGEX]... [--ignore-file NAME]... [--skip-images]
//                [--max-report N] DIR_A DIR_B
//   vigia_golden [the same options] --database PG:... DIR
//     each DIR/<name>.gpkg against schema vigia_<name> of the database (vigia run -o PG:...):
//     every layer's rows by fid, the metadata items (table `metadata`), the styles
//     (public.layer_styles).

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Options {
    double tolerance = 0; ///< relative, for reals; 0: bit for bit (NaN equals NaN)
    std::set<std::string> ignore_tables{"sqlite_sequence"};
    std::set<std::string> ignore_columns{"gpkg_contents.last_change", "layer_styles.update_time"};
    std::vector<std::regex> ignore_keys{std::regex{"^time_.*_s$"}, std::regex{"^run_at_utc$"},
                                        std::regex{"^vigia_time_.*_s$"},
                                        std::regex{"^vigia_run_at_utc$"}};
    bool skip_images = false;
    std::set<std::string> ignore_files; ///< file names left out (e.g. a page listing failures)
    std::size_t max_report = 50;
    std::string database; ///< --database PG:…: compare one folder's GeoPackages with it
};

struct Report {
    std::size_t differences = 0, compared_values = 0, files = 0;
    std::size_t max_report = 50;
    std::map<std::string, std::size_t> per_table;
    void add(const std::string& where, const std::string& what) {
        ++differences;
        ++per_table[where.substr(0, where.find(' '))];
        if (differences <= max_report) std::printf("%s: %s\n", where.c_str(), what.c_str());
    }
};

bool ignored_key(const Options& o, const std::string& key) {
    return std::any_of(o.ignore_keys.begin(), o.ignore_keys.end(),
                       [&](const std::regex& r) { return std::regex_search(key, r); });
}

bool same_real(double a, double b, double tol) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (tol <= 0) return std::memcmp(&a, &b, sizeof a) == 0 || a == b; // +0 == -0
    return std::fabs(a - b) <= tol * std::max(std::fabs(a), std::fabs(b));
}

std::vector<std::string> tables_of(GDALDataset& ds) {
    std::vector<std::string> out;
    OGRLayer* l = ds.ExecuteSQL(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree_%' AND "
        "name NOT LIKE 'sqlite_%' ORDER BY name",
        nullptr, nullptr);
    if (!l) return out;
    for (auto& f : *l)
        out.emplace_back(f->GetFieldAsString(0));
    ds.ReleaseResultSet(l);
    return out;
}

/// A row of a table as comparable values (the run_info key kept apart to skip timings).
struct Row {
    std::vector<std::string> text;
    std::vector<double> real;
    std::vector<int> kind; ///< 0 null, 1 text, 2 real, 3 integer
    std::string wkb;
};

/// The rows of `sql` (falling back to `fallback` when it fails), and its column names.
std::vector<Row> rows_of_sql(GDALDataset& ds, const std::string& sql, const std::string& fallback,
                             std::vector<std::string>& columns) {
    std::vector<Row> out;
    OGRLayer* l = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!l && !fallback.empty()) l = ds.ExecuteSQL(fallback.c_str(), nullptr, nullptr);
    if (!l) return out;
    OGRFeatureDefn* d = l->GetLayerDefn();
    columns.clear();
    for (int i = 0; i < d->GetFieldCount(); ++i)
        columns.emplace_back(d->GetFieldDefn(i)->GetNameRef());
    for (auto& f : *l) {
        Row r;
        for (int i = 0; i < d->GetFieldCount(); ++i) {
            if (!f->IsFieldSetAndNotNull(i)) {
                r.kind.push_back(0);
                r.text.emplace_back();
                r.real.push_back(0);
                continue;
            }
            const OGRFieldType t = d->GetFieldDefn(i)->GetType();
            if (t == OFTReal) {
                r.kind.push_back(2);
                r.real.push_back(f->GetFieldAsDouble(i));
                r.text.emplace_back();
            } else if (t == OFTInteger || t == OFTInteger64) {
                r.kind.push_back(3);
                r.text.emplace_back(f->GetFieldAsString(i));
                r.real.push_back(0);
            } else {
                r.kind.push_back(1);
                r.text.emplace_back(f->GetFieldAsString(i));
                r.real.push_back(0);
            }
        }
        if (const OGRGeometry* g = f->GetGeometryRef()) {
            std::string w(static_cast<std::size_t>(g->WkbSize()), '\0');
            g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(w.data()), wkbVariantIso);
            r.wkb = std::move(w);
        }
        out.push_back(std::move(r));
    }
    ds.ReleaseResultSet(l);
    return out;
}

std::vector<Row> rows_of(GDALDataset& ds, const std::string& table,
                         std::vector<std::string>& columns) {
    // Views and tables without rowid: in their own order.
    return rows_of_sql(ds, "SELECT * FROM \"" + table + "\" ORDER BY rowid",
                       "SELECT * FROM \"" + table + "\"", columns);
}

std::string show(const Row& r, std::size_t i) {
    switch (r.kind[i]) {
    case 0:
        return "NULL";
    case 2: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", r.real[i]);
        return buf;
    }
    default:
        return "'" + r.text[i].substr(0, 120) + "'";
    }
}

/// Two row sets of table `t` (columns, then rows in order; run_info by key, timings aside).
void compare_rows(const std::string& t, const std::string& where,
                  const std::vector<std::string>& ca, const std::vector<Row>& ra,
                  const std::vector<std::string>& cb, const std::vector<Row>& rb, const Options& o,
                  Report& rep) {
    if (ca != cb) {
        rep.add(where, "columns differ");
        return;
    }
    const int key_col = t == "run_info"
                            ? static_cast<int>(std::find(ca.begin(), ca.end(), "key") - ca.begin())
                            : -1;
    auto skip_row = [&](const Row& r) {
        return key_col >= 0 && key_col < static_cast<int>(ca.size()) &&
               ignored_key(o, r.text[static_cast<std::size_t>(key_col)]);
    };
    std::vector<const Row*> fa, fb;
    for (const auto& r : ra)
        if (!skip_row(r)) fa.push_back(&r);
    for (const auto& r : rb)
        if (!skip_row(r)) fb.push_back(&r);
    if (key_col >= 0 && key_col < static_cast<int>(ca.size())) {
        // run_info is a key/value table: compared by key, whatever the order of its rows.
        const auto k = static_cast<std::size_t>(key_col);
        std::map<std::string, const Row*> ma, mb;
        for (const Row* x : fa)
            ma[x->text[k]] = x;
        for (const Row* x : fb)
            mb[x->text[k]] = x;
        for (const auto& [key, x] : ma) {
            ++rep.compared_values;
            auto it = mb.find(key);
            if (it == mb.end()) {
                rep.add(where + " " + key, "only in the first");
                continue;
            }
            for (std::size_t i = 0; i < ca.size(); ++i)
                if (x->text[i] != it->second->text[i] || x->kind[i] != it->second->kind[i])
                    rep.add(where + " " + key, show(*x, i) + " vs " + show(*it->second, i));
        }
        for (const auto& [key, x] : mb)
            if (!ma.count(key)) rep.add(where + " " + key, "only in the second");
        return;
    }
    if (fa.size() != fb.size()) {
        rep.add(where, "rows: " + std::to_string(fa.size()) + " vs " + std::to_string(fb.size()));
        return;
    }
    for (std::size_t k = 0; k < fa.size(); ++k) {
        const Row& x = *fa[k];
        const Row& y = *fb[k];
        // run_info's row count follows its timing entries, which are left out.
        const bool run_info_count =
            t == "gpkg_ogr_contents" && !x.text.empty() && x.text[0] == "run_info";
        for (std::size_t i = 0; i < ca.size(); ++i) {
            if (o.ignore_columns.count(t + "." + ca[i])) continue;
            if (run_info_count && ca[i] == "feature_count") continue;
            ++rep.compared_values;
            bool same = x.kind[i] == y.kind[i];
            if (same && x.kind[i] == 2) same = same_real(x.real[i], y.real[i], o.tolerance);
            if (same && (x.kind[i] == 1 || x.kind[i] == 3)) same = x.text[i] == y.text[i];
            if (!same)
                rep.add(where + " row " + std::to_string(k + 1) + " " + ca[i],
                        show(x, i) + " vs " + show(y, i));
        }
        ++rep.compared_values;
        if (x.wkb != y.wkb) rep.add(where + " row " + std::to_string(k + 1), "geometry differs");
    }
}

/// The metadata items of a data set, timings aside.
std::map<std::string, std::string> metadata_items(GDALDataset& ds, const Options& o) {
    std::map<std::string, std::string> m;
    if (char** md = ds.GetMetadata())
        for (char** p = md; *p; ++p) {
            char* key = nullptr;
            const char* value = CPLParseNameValue(*p, &key);
            if (key && !ignored_key(o, key)) m[key] = value ? value : "";
            CPLFree(key);
        }
    return m;
}

/// Two sets of metadata items, by key.
void compare_items(const std::map<std::string, std::string>& ma,
                   const std::map<std::string, std::string>& mb, const std::string& name,
                   const std::string& first, const std::string& second, Report& rep) {
    for (const auto& [k, v] : ma) {
        ++rep.compared_values;
        auto it = mb.find(k);
        if (it == mb.end())
            rep.add(name + ":metadata", k + " only in " + first);
        else if (it->second != v)
            rep.add(name + ":metadata " + k,
                    "'" + v.substr(0, 120) + "' vs '" + it->second.substr(0, 120) + "'");
    }
    for (const auto& [k, v] : mb)
        if (!ma.count(k)) rep.add(name + ":metadata", k + " only in " + second);
}

void compare_gpkg(const fs::path& a, const fs::path& b, const std::string& name, const Options& o,
                  Report& rep) {
    GDALDatasetUniquePtr da{GDALDataset::Open(a.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY)};
    GDALDatasetUniquePtr db{GDALDataset::Open(b.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY)};
    if (!da || !db) {
        rep.add(name, "cannot open one of the two GeoPackages");
        return;
    }
    const auto ta = tables_of(*da), tb = tables_of(*db);
    for (const auto& t : ta)
        if (!std::binary_search(tb.begin(), tb.end(), t) && !o.ignore_tables.count(t))
            rep.add(name + ":" + t, "table only in the first");
    for (const auto& t : tb)
        if (!std::binary_search(ta.begin(), ta.end(), t) && !o.ignore_tables.count(t))
            rep.add(name + ":" + t, "table only in the second");
    for (const auto& t : ta) {
        if (!std::binary_search(tb.begin(), tb.end(), t) || o.ignore_tables.count(t)) continue;
        if (t == "gpkg_metadata" || t == "gpkg_metadata_reference") continue; // below, by key
        const std::string where = name + ":" + t;
        std::vector<std::string> ca, cb;
        const auto ra = rows_of(*da, t, ca);
        const auto rb = rows_of(*db, t, cb);
        compare_rows(t, where, ca, ra, cb, rb, o, rep);
    }
    // Metadata items of the file (run_info is repeated there), timings aside.
    compare_items(metadata_items(*da, o), metadata_items(*db, o), name, "the first", "the second",
                  rep);
}

void compare_raster(const fs::path& a, const fs::path& b, const std::string& name, const Options& o,
                    Report& rep) {
    GDALDatasetUniquePtr da{GDALDataset::Open(a.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY)};
    GDALDatasetUniquePtr db{GDALDataset::Open(b.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY)};
    if (!da || !db) {
        rep.add(name, "cannot open one of the two rasters");
        return;
    }
    if (da->GetRasterCount() != db->GetRasterCount() ||
        da->GetRasterXSize() != db->GetRasterXSize() ||
        da->GetRasterYSize() != db->GetRasterYSize()) {
        rep.add(name, "raster shape differs");
        return;
    }
    double ga[6], gb[6];
    if (da->GetGeoTransform(ga) == CE_None && db->GetGeoTransform(gb) == CE_None)
        for (int i = 0; i < 6; ++i)
            if (!same_real(ga[i], gb[i], o.tolerance)) rep.add(name, "geotransform differs");
    const int w = da->GetRasterXSize(), h = da->GetRasterYSize();
    std::vector<double> la(static_cast<std::size_t>(w)), lb(static_cast<std::size_t>(w));
    for (int band = 1; band <= da->GetRasterCount(); ++band) {
        std::size_t diff = 0;
        for (int y = 0; y < h; ++y) {
            if (da->GetRasterBand(band)->RasterIO(GF_Read, 0, y, w, 1, la.data(), w, 1, GDT_Float64,
                                                  0, 0) != CE_None ||
                db->GetRasterBand(band)->RasterIO(GF_Read, 0, y, w, 1, lb.data(), w, 1, GDT_Float64,
                                                  0, 0) != CE_None) {
                rep.add(name, "cannot read band " + std::to_string(band));
                return;
            }
            for (int x = 0; x < w; ++x) {
                ++rep.compared_values;
                if (!same_real(la[static_cast<std::size_t>(x)], lb[static_cast<std::size_t>(x)],
                               o.tolerance))
                    ++diff;
            }
        }
        if (diff)
            rep.add(name + " band " + std::to_string(band),
                    std::to_string(diff) + " pixels differ");
    }
}

std::string slurp(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Two texts line by line.
void compare_lines(const std::string& a, const std::string& b, const std::string& name,
                   Report& rep) {
    std::istringstream sa{a}, sb{b};
    std::string la, lb;
    std::size_t line = 0;
    while (true) {
        const bool ea = !std::getline(sa, la), eb = !std::getline(sb, lb);
        ++line;
        if (ea || eb) {
            if (ea != eb) rep.add(name, "line counts differ at line " + std::to_string(line));
            break;
        }
        ++rep.compared_values;
        if (la != lb)
            rep.add(name + " line " + std::to_string(line),
                    "'" + la.substr(0, 120) + "' vs '" + lb.substr(0, 120) + "'");
    }
}

void compare_text(const fs::path& a, const fs::path& b, const std::string& name, Report& rep) {
    compare_lines(slurp(a), slurp(b), name, rep);
}

/// A report page, line by line, with the run's time stamps (run_at_utc in its header) left out.
void compare_page(const fs::path& a, const fs::path& b, const std::string& name, Report& rep) {
    static const std::regex stamp{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"};
    compare_lines(std::regex_replace(slurp(a), stamp, "<run_at_utc>"),
                  std::regex_replace(slurp(b), stamp, "<run_at_utc>"), name, rep);
}

/// The SQL text of a name: "name", its quotes doubled.
std::string quoted(const std::string& name) {
    std::string q = "\"";
    for (char c : name)
        q += c == '"' ? std::string{"\"\""} : std::string{c};
    return q + "\"";
}

/// A GeoPackage against its schema in PostgreSQL (`vigia run -o PG:…`): every layer's rows in
/// fid order, every column and geometry; the metadata items against the schema's `metadata`
/// table; the styles against public.layer_styles.
void compare_gpkg_db(const fs::path& a, GDALDataset& db, const std::string& schema,
                     const std::string& name, const Options& o, Report& rep) {
    GDALDatasetUniquePtr da{GDALDataset::Open(a.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY)};
    if (!da) {
        rep.add(name, "cannot open the GeoPackage");
        return;
    }
    std::vector<std::string> ignore;
    for (int i = 0; i < da->GetLayerCount(); ++i) {
        OGRLayer* l = da->GetLayer(i);
        const std::string t = l->GetName();
        if (t == "layer_styles" || o.ignore_tables.count(t)) continue;
        std::string cols = "fid + 0 AS fid_"; // an expression: GDAL takes a bare fid as the FID
        OGRFeatureDefn* d = l->GetLayerDefn();
        for (int k = 0; k < d->GetFieldCount(); ++k)
            cols += ", " + quoted(d->GetFieldDefn(k)->GetNameRef());
        if (d->GetGeomFieldCount() > 0) cols += ", " + quoted(l->GetGeometryColumn());
        std::vector<std::string> ca, cb;
        const auto ra =
            rows_of_sql(*da, "SELECT " + cols + " FROM " + quoted(t) + " ORDER BY fid", "", ca);
        const auto rb = rows_of_sql(
            db, "SELECT " + cols + " FROM " + quoted(schema) + "." + quoted(t) + " ORDER BY fid",
            "", cb);
        if (cb.empty()) {
            rep.add(name + ":" + t, "no such table in schema " + schema);
            continue;
        }
        if (ca != cb) {
            std::string la, lb;
            for (const auto& c : ca)
                la += c + " ";
            for (const auto& c : cb)
                lb += c + " ";
            rep.add(name + ":" + t, "columns differ: " + la + "vs " + lb);
            continue;
        }
        compare_rows(t, name + ":" + t, ca, ra, cb, rb, o, rep);
    }
    // The metadata items against the schema's `metadata` table, timings aside.
    std::map<std::string, std::string> mb;
    std::vector<std::string> cm;
    for (const Row& r :
         rows_of_sql(db, "SELECT key, value FROM " + quoted(schema) + ".metadata", "", cm))
        if (!ignored_key(o, r.text[0])) mb[r.text[0]] = r.text[1];
    compare_items(metadata_items(*da, o), mb, name, "the GeoPackage", "the database", rep);
    // The styles QGIS applies.
    if (o.ignore_tables.count("layer_styles")) return;
    std::vector<std::string> sa, sb;
    const auto ya = rows_of_sql(*da,
                                "SELECT f_table_name AS t, coalesce(f_geometry_column, '') AS g, "
                                "styleName AS n, styleQML AS q, CAST(useAsDefault AS INTEGER) AS "
                                "d, coalesce(description, '') AS s FROM layer_styles "
                                "ORDER BY f_table_name, styleName",
                                "", sa);
    const auto yb = rows_of_sql(
        db,
        "SELECT f_table_name AS t, coalesce(f_geometry_column, '') AS g, stylename AS n, "
        "styleqml::text AS q, useasdefault::int AS d, coalesce(description, '') AS s FROM "
        "public.layer_styles WHERE "
        "f_table_catalog = current_database() AND f_table_schema = '" +
            schema + "' ORDER BY f_table_name COLLATE \"C\", stylename COLLATE \"C\"",
        "", sb);
    compare_rows("layer_styles", name + ":layer_styles", sa, ya, sb, yb, o, rep);
}

void compare_dirs(const fs::path& a, const fs::path& b, const Options& o, Report& rep) {
    std::set<std::string> na, nb;
    for (const auto& e : fs::directory_iterator(a))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
            na.insert(e.path().filename().string());
    for (const auto& e : fs::directory_iterator(b))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.')
            nb.insert(e.path().filename().string());
    for (const auto& n : na)
        if (!nb.count(n)) rep.add(n, "only in the first folder");
    for (const auto& n : nb)
        if (!na.count(n)) rep.add(n, "only in the second folder");
    for (const auto& n : na) {
        if (!nb.count(n) || o.ignore_files.count(n)) continue;
        ++rep.files;
        const std::string ext = fs::path{n}.extension().string();
        if (ext == ".gpkg")
            compare_gpkg(a / n, b / n, n, o, rep);
        else if (ext == ".tif")
            compare_raster(a / n, b / n, n, o, rep);
        else if (ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == ".json")
            compare_text(a / n, b / n, n, rep);
        else if (ext == ".html")
            compare_page(a / n, b / n, n, rep);
        else if (ext == ".png") {
            if (o.skip_images) continue;
            ++rep.compared_values;
            if (slurp(a / n) != slurp(b / n)) rep.add(n, "image bytes differ");
        } else {
            ++rep.compared_values;
            if (slurp(a / n) != slurp(b / n)) rep.add(n, "bytes differ");
        }
    }
}

int usage(const char* why) {
    std::fprintf(
        stderr,
        "vigia_golden: %s\nusage: vigia_golden [--tolerance REL] [--ignore-table NAME]... "
        "[--ignore-column TABLE.COLUMN]... [--ignore-key REGEX]... [--ignore-file NAME]... "
        "[--skip-images] "
        "[--max-report N] DIR_A DIR_B\n       vigia_golden [options] --database PG:... DIR\n",
        why);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    std::vector<std::string> dirs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--tolerance") {
            const char* v = next();
            if (!v) return usage("--tolerance needs a value");
            o.tolerance = std::atof(v);
        } else if (a == "--ignore-table") {
            const char* v = next();
            if (!v) return usage("--ignore-table needs a name");
            o.ignore_tables.insert(v);
        } else if (a == "--ignore-column") {
            const char* v = next();
            if (!v) return usage("--ignore-column needs TABLE.COLUMN");
            o.ignore_columns.insert(v);
        } else if (a == "--ignore-key") {
            const char* v = next();
            if (!v) return usage("--ignore-key needs a regular expression");
            o.ignore_keys.emplace_back(v);
        } else if (a == "--ignore-file") {
            const char* v = next();
            if (!v) return usage("--ignore-file needs a file name");
            o.ignore_files.insert(v);
        } else if (a == "--database") {
            const char* v = next();
            if (!v) return usage("--database needs a connection (PG:...)");
            o.database = v;
        } else if (a == "--skip-images") {
            o.skip_images = true;
        } else if (a == "--max-report") {
            const char* v = next();
            if (!v) return usage("--max-report needs a number");
            o.max_report = static_cast<std::size_t>(std::atol(v));
        } else if (!a.empty() && a[0] == '-') {
            return usage(("unknown option " + a).c_str());
        } else {
            dirs.push_back(a);
        }
    }
    if (dirs.size() != (o.database.empty() ? 2u : 1u))
        return usage(o.database.empty() ? "give two folders" : "give one folder with --database");
    for (const auto& d : dirs)
        if (!fs::is_directory(d)) return usage((d + " is not a folder").c_str());
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    Report rep;
    rep.max_report = o.max_report;
    if (o.database.empty()) {
        compare_dirs(dirs[0], dirs[1], o, rep);
    } else {
        // Each <name>.gpkg against schema vigia_<name> ('-' as '_').
        GDALDatasetUniquePtr db{
            GDALDataset::Open(o.database.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY)};
        if (!db) return usage(("cannot open " + o.database).c_str());
        for (const auto& e : fs::directory_iterator(dirs[0])) {
            const std::string n = e.path().filename().string();
            if (e.path().extension() != ".gpkg" || n[0] == '.' || o.ignore_files.count(n)) continue;
            std::string schema = "vigia_" + e.path().stem().string();
            for (char& c : schema)
                if (c == '-') c = '_';
            ++rep.files;
            compare_gpkg_db(e.path(), *db, schema, n, o, rep);
        }
        if (rep.files == 0) return usage((dirs[0] + " holds no GeoPackage").c_str());
    }
    if (rep.differences > rep.max_report)
        std::printf("... and %zu more differences\n", rep.differences - rep.max_report);
    for (const auto& [t, n] : rep.per_table)
        if (rep.differences) std::printf("  %s: %zu differences\n", t.c_str(), n);
    std::printf("%zu files, %zu values compared, %zu differences\n", rep.files, rep.compared_values,
                rep.differences);
    return rep.differences ? 1 : 0;
}
