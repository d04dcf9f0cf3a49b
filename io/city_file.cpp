#include "io/city_file.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <limits>

namespace vigia::io {

namespace {

GDALDatasetUniquePtr open_written(const std::filesystem::path& gpkg) {
    const char* drivers[] = {"GPKG", nullptr};
    GDALDatasetUniquePtr ds{GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              drivers, nullptr, nullptr)};
    if (!ds) throw IoError{fmt::format("{}: cannot open as a GeoPackage", gpkg.string())};
    return ds;
}

} // namespace

TableColumns read_table(const std::filesystem::path& gpkg, const std::string& layer,
                        const std::vector<std::string>& numbers,
                        const std::vector<std::string>& texts, bool geometry) {
    GDALDatasetUniquePtr ds = open_written(gpkg);
    TableColumns t;
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    if (!l) return t;
    t.exists = true;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::vector<std::pair<int, std::vector<double>*>> num;
    std::vector<std::pair<int, std::vector<std::string>*>> txt;
    for (const std::string& n : numbers)
        if (const int i = defn->GetFieldIndex(n.c_str()); i >= 0)
            num.emplace_back(i, &t.numbers[n]);
    for (const std::string& n : texts)
        if (const int i = defn->GetFieldIndex(n.c_str()); i >= 0) txt.emplace_back(i, &t.texts[n]);
    if (geometry && l->GetSpatialRef()) t.srs.reset(l->GetSpatialRef()->Clone());
    l->ResetReading();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (OGRFeatureUniquePtr f{l->GetNextFeature()}; f; f.reset(l->GetNextFeature())) {
        for (auto& [i, v] : num)
            v->push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsDouble(i) : nan);
        for (auto& [i, v] : txt)
            v->push_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "");
        if (geometry) {
            analysis::Wkb w;
            if (const OGRGeometry* g = f->GetGeometryRef()) {
                w.resize(static_cast<std::size_t>(g->WkbSize()));
                g->exportToWkb(wkbNDR, w.data(), wkbVariantIso);
            }
            t.geometry.push_back(std::move(w));
        }
        ++t.rows;
    }
    return t;
}

std::vector<std::pair<std::string, std::string>> read_run_info(const std::filesystem::path& gpkg) {
    TableColumns t = read_table(gpkg, "run_info", {}, {"key", "value"}, false);
    if (!t.exists || !t.texts.count("key") || !t.texts.count("value"))
        throw InputError{fmt::format("{}: no run_info table: not a city file written by vigia run",
                                     gpkg.string())};
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < t.rows; ++i)
        out.emplace_back(t.texts["key"][i], t.texts["value"][i]);
    return out;
}

std::vector<GpkgWriter::LayerInfo> written_layers(const std::filesystem::path& gpkg) {
    GDALDatasetUniquePtr ds = open_written(gpkg);
    std::vector<GpkgWriter::LayerInfo> out;
    OGRLayer* c =
        ds->ExecuteSQL("SELECT table_name FROM gpkg_contents ORDER BY rowid", nullptr, nullptr);
    if (!c) throw IoError{fmt::format("{}: no gpkg_contents table", gpkg.string())};
    std::vector<std::string> names;
    for (OGRFeatureUniquePtr f{c->GetNextFeature()}; f; f.reset(c->GetNextFeature()))
        names.emplace_back(f->GetFieldAsString(0));
    ds->ReleaseResultSet(c);
    for (const std::string& name : names) {
        OGRLayer* l = ds->GetLayerByName(name.c_str());
        if (!l || name == "layer_styles") continue;
        GpkgWriter::LayerInfo info;
        info.name = name;
        info.geometry_type = wkbFlatten(l->GetGeomType());
        OGRFeatureDefn* defn = l->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            info.fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
        out.push_back(std::move(info));
    }
    return out;
}

} // namespace vigia::io
