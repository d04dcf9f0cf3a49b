#pragma once
/// \file
/// Helpers for the end-to-end tests: writing manifests, reading cells and units back from a
/// city's GeoPackage, and checking messages. Header-only: tests/CMakeLists.txt compiles only
/// the *_test.cpp files of this folder.
///
/// The small fixtures in tests/data:
///  - two_squares_32614.geojson: two sub-units in EPSG:32614 (UTM 14N, south of Mexico City),
///    "Oeste" (key "W-1", x 480000–480500) and "Este" (key "E-1", x 480500–481000), both
///    y 2130000–2131000. Together a 1 km × 1 km square; with 500 m square cells, four cells of
///    0.25 km² whose origins fall on multiples of 500 m.
///  - points_lonlat.csv: seven incidents in longitude/latitude (EPSG:4326), each at least
///    50 m from any cell edge (UTM positions in the comments of small_city_test.cpp).
///  - counts_by_unit.csv: incidents per sub-unit key, category, year and month.

#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace vigia::test::cli {

namespace fs = std::filesystem;

/// A run shared by a whole suite: the CTest fixture's (tests/CMakeLists.txt: fixture.<name>,
/// run once before every CLI test) when it is there, else the command run now into a
/// temporary folder (a test program started by hand). `args` are the command's arguments
/// before "-o DIR --quiet".
struct SharedRun {
    std::unique_ptr<TempDir> tmp; ///< when run here
    fs::path out;
    RunResult result;
};
inline SharedRun shared_run(const std::string& name, std::vector<std::string> args) {
    SharedRun r;
    const fs::path fixture = fs::path{VIGIA_FIXTURES} / name;
    std::ifstream rc{fixture.string() + ".rc"};
    if (rc && fs::is_directory(fixture)) {
        rc >> r.result.exit_code;
        std::ifstream o{fixture.string() + ".out"}, e{fixture.string() + ".err"};
        std::stringstream so, se;
        so << o.rdbuf();
        se << e.rdbuf();
        r.result.out = so.str();
        r.result.err = se.str();
        r.out = fixture;
        return r;
    }
    r.tmp = std::make_unique<TempDir>();
    r.out = r.tmp->path() / name;
    args.insert(args.end(), {"-o", r.out.string(), "--quiet"});
    r.result = run_vigia(args);
    return r;
}

/// A TOML basic string holding `s` (quotes and backslashes escaped).
inline std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

inline std::string toml_path(const fs::path& p) {
    return toml_string(p.string());
}

/// The [analysis] table of the small fixtures: 500 m square cells, so the 1 km square holds
/// exactly four cells. `extra` is appended inside the table (e.g. a period).
inline std::string square_500_analysis(const std::string& extra = "") {
    return "[analysis]\ngrid = \"square\"\ncell_size_m = 500\n" + extra + "\n";
}

/// The boundary table of the two-squares fixture.
inline std::string two_squares_boundary() {
    return "{ path = " + toml_path(fixture("two_squares_32614.geojson")) +
           ", name_field = \"nombre\" }";
}

/// The incidents table of points_lonlat.csv; `extra` adds keys (e.g. ", where = \"...\"").
inline std::string lonlat_points(const std::string& extra = "") {
    return "{ path = " + toml_path(fixture("points_lonlat.csv")) +
           ", x = \"lon\", y = \"lat\", crs = \"EPSG:4326\", time = \"fecha\", "
           "category = \"delito\"" +
           extra + " }";
}

/// One [[city]] entry.
inline std::string city(const std::string& name, const std::string& boundary,
                        const std::string& incidents, const std::string& slug = "") {
    std::string s = "[[city]]\nname = " + toml_string(name) + "\n";
    if (!slug.empty()) s += "slug = " + toml_string(slug) + "\n";
    return s + "boundary = " + boundary + "\nincidents = " + incidents + "\n\n";
}

/// Entries of a folder, hidden ones included (relative names, sorted); none when it does not
/// exist.
inline std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

inline std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& e : v)
        s += (s.empty() ? "" : ", ") + e;
    return "[" + s + "]";
}

/// `text` contains `part`; the failure message shows the whole text.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << part << "' not found in:\n" << text;
}

/// The output folder holds nothing at all: no GeoPackage, no hidden partial file.
inline ::testing::AssertionResult LeftNoOutput(const fs::path& dir) {
    const auto e = entries(dir);
    if (e.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << dir << " holds " << joined(e);
}

inline std::string slurp(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A grid cell named by the centre of its bounding box, rounded to the metre (robust to cell
/// ids and to clipping that keeps the cell's extent).
using CellKey = std::pair<long long, long long>;

/// The four 500 m cells of the two-squares fixture.
inline const CellKey kSouthWest{480250, 2130250};
inline const CellKey kSouthEast{480750, 2130250};
inline const CellKey kNorthWest{480250, 2130750};
inline const CellKey kNorthEast{480750, 2130750};

/// A numeric field of every feature of a polygon layer, keyed by the feature's cell key
/// (NaN where the field is NULL).
inline std::map<CellKey, double> by_cell(GDALDataset& ds, const std::string& field,
                                         const std::string& layer = "grid") {
    std::map<CellKey, double> out;
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return out;
    }
    const int i = l->GetLayerDefn()->GetFieldIndex(field.c_str());
    if (i < 0) {
        ADD_FAILURE() << "no field " << field << " in " << layer;
        return out;
    }
    l->ResetReading();
    for (auto& f : *l) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g) {
            ADD_FAILURE() << layer << " feature " << f->GetFID() << " has no geometry";
            continue;
        }
        OGREnvelope e;
        g->getEnvelope(&e);
        const CellKey key{std::llround((e.MinX + e.MaxX) / 2), std::llround((e.MinY + e.MaxY) / 2)};
        const double v = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : std::nan("");
        if (!out.emplace(key, v).second)
            ADD_FAILURE() << "two features of " << layer << " centred on (" << key.first << ", "
                          << key.second << ")";
    }
    return out;
}

/// A numeric field keyed by a text field (e.g. units: name → count).
inline std::map<std::string, double> by_name(GDALDataset& ds, const std::string& layer,
                                             const std::string& key_field,
                                             const std::string& value_field) {
    std::map<std::string, double> out;
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return out;
    }
    l->ResetReading();
    for (auto& f : *l)
        out[f->GetFieldAsString(key_field.c_str())] += f->GetFieldAsDouble(value_field.c_str());
    return out;
}

/// Features in a layer (counted one by one).
inline long long feature_count(GDALDataset& ds, const std::string& layer) {
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return -1;
    }
    return static_cast<long long>(l->GetFeatureCount(TRUE));
}

/// A run_info value as a number; fails the test when the key is missing.
inline double info_number(const std::map<std::string, std::string>& info, const std::string& key) {
    auto it = info.find(key);
    if (it == info.end()) {
        ADD_FAILURE() << "run_info has no key '" << key << "'";
        return std::nan("");
    }
    return std::stod(it->second);
}

/// The sum of every rejected_* entry of run_info.
inline double rejected_total(const std::map<std::string, std::string>& info) {
    double s = 0;
    int n = 0;
    for (const auto& [k, v] : info)
        if (k.rfind("rejected_", 0) == 0) {
            s += std::stod(v);
            ++n;
        }
    if (n == 0) ADD_FAILURE() << "run_info has no rejected_* entries";
    return s;
}

/// The EPSG code of a layer's CRS ("" when it has none).
inline std::string epsg_of(GDALDataset& ds, const std::string& layer) {
    OGRLayer* l = ds.GetLayerByName(layer.c_str());
    if (!l) {
        ADD_FAILURE() << "no layer " << layer;
        return "";
    }
    const OGRSpatialReference* srs = l->GetSpatialRef();
    if (!srs) return "";
    const char* auth = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    return auth && code ? std::string{auth} + ":" + code : "";
}

/// True when `names` holds `name`.
inline bool has(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

/// The 1-based line of `text` on which `needle` first appears (0 when it does not).
inline int line_of(const std::string& text, const std::string& needle) {
    const auto pos = text.find(needle);
    if (pos == std::string::npos) return 0;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

} // namespace vigia::test::cli
