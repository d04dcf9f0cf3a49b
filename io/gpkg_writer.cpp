#include "io/gpkg_writer.hpp"

#include "analysis/error.hpp"
#include "io/text.hpp"
#include "io/time_parse.hpp"

#include <fmt/format.h>

#include <cmath>
#include <unistd.h>

namespace vigia::io {

namespace fs = std::filesystem;

std::size_t LayerData::rows() const {
    if (wkb) return wkb->size();
    if (x) return x->size();
    if (columns.empty()) return 0;
    return std::visit(
        [](const auto& v) -> std::size_t {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, TimeValues>)
                return v.seconds.size();
            else
                return v.size();
        },
        columns.front().values);
}

void check_can_write(const fs::path& path, bool overwrite) {
    if (fs::exists(path) && !overwrite)
        throw IoError{
            fmt::format("{}: exists already; pass --overwrite to replace it", path.string())};
}

namespace {
void remove_with_sidecars(const fs::path& p) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        fs::remove(fs::path{p.string() + suffix}, ec);
}
} // namespace

GpkgWriter::GpkgWriter(fs::path path, bool overwrite)
    : m_path{std::move(path)}, m_overwrite{overwrite} {
    check_can_write(m_path, overwrite);
    register_gdal();
    // A 256 MB SQLite page cache (for this thread, while the writer lives) cuts the time to
    // build the spatial index of a million points by about a quarter (bench/README.md).
    if (const char* old = CPLGetThreadLocalConfigOption("OGR_SQLITE_CACHE", nullptr)) {
        m_old_cache = old;
        m_had_cache = true;
    }
    CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE", "256");
    std::error_code ec;
    if (m_path.has_parent_path()) fs::create_directories(m_path.parent_path(), ec);
    if (ec)
        throw IoError{fmt::format("{}: cannot create the directory: {}",
                                  m_path.parent_path().string(), ec.message())};
    m_tmp = m_path.parent_path() /
            fmt::format(".{}.partial-{}.gpkg", m_path.stem().string(), static_cast<long>(getpid()));
    remove_with_sidecars(m_tmp);
    GdalErrorScope errors;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) throw IoError{"io: GDAL was built without the GeoPackage driver"};
    m_ds.reset(drv->Create(m_tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_ds)
        throw IoError{
            fmt::format("{}: cannot create (GPKG): {}", m_tmp.string(), errors.last_error())};
}

GpkgWriter::~GpkgWriter() {
    if (!m_closed)
        CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE",
                                      m_had_cache ? m_old_cache.c_str() : nullptr);
    if (m_done) return;
    m_ds.reset();
    remove_with_sidecars(m_tmp);
}

namespace {

OGRFieldType field_type(const Column& c) {
    switch (c.values.index()) {
    case 0:
        return OFTInteger64;
    case 1:
        return OFTReal;
    case 2:
        return OFTString;
    default:
        return OFTDateTime;
    }
}

void set_field(OGRFeature& f, int i, const Column& c, std::size_t row) {
    switch (c.values.index()) {
    case 0:
        f.SetField(i, static_cast<GIntBig>(std::get<0>(c.values)[row]));
        break;
    case 1:
        f.SetField(i, std::get<1>(c.values)[row]);
        break;
    case 2: {
        // Every string written is valid UTF-8: a raw value quoted in a message (a date as
        // read from a Latin-1 file) is decoded as Windows-1252 here.
        const std::string& v = std::get<2>(c.values)[row];
        if (valid_utf8(v))
            f.SetField(i, v.c_str());
        else
            f.SetField(i, cp1252_to_utf8(v).c_str());
        break;
    }
    default: {
        const std::int64_t s = std::get<3>(c.values).seconds[row];
        if (s == analysis::kNoTime) {
            f.SetFieldNull(i);
        } else {
            const CivilTime t = from_seconds(s);
            f.SetField(i, t.year, t.month, t.day, t.hour, t.minute, static_cast<float>(t.second),
                       0);
        }
    }
    }
}

} // namespace

void GpkgWriter::write(const LayerData& d) {
    GdalErrorScope errors;
    auto fail = [&](const std::string& what) {
        throw IoError{fmt::format("{}: layer '{}': {}: {}", m_path.string(), d.name, what,
                                  errors.last_error())};
    };
    if (m_closed) fail("the file is closed already");
    {
        LayerInfo info{d.name, d.srs ? d.geometry_type : wkbNone, {}};
        for (const Column& c : d.columns)
            info.fields.push_back(c.name);
        m_layers.push_back(std::move(info));
    }
    const std::string desc_opt = "DESCRIPTION=" + d.description;
    const std::string title_opt = "IDENTIFIER=" + d.title;
    std::vector<const char*> options;
    if (!d.description.empty()) options.push_back(desc_opt.c_str());
    if (!d.title.empty()) options.push_back(title_opt.c_str());
    options.push_back(nullptr);
    // GDAL 3.6's CreateLayer takes a non-const CRS it only reads (it clones it).
    auto* srs = const_cast<OGRSpatialReference*>(d.srs);
    OGRLayer* layer =
        m_ds->CreateLayer(d.name.c_str(), srs, d.geometry_type, const_cast<char**>(options.data()));
    if (!layer) fail("cannot create the layer");
    for (const Column& c : d.columns) {
        OGRFieldDefn defn{c.name.c_str(), field_type(c)};
        if (layer->CreateField(&defn) != OGRERR_NONE) fail("cannot create field " + c.name);
    }
    const std::size_t n = d.rows();
    if (m_ds->StartTransaction() != OGRERR_NONE) fail("cannot start a transaction");
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    OGRFeature feature{defn};
    for (std::size_t r = 0; r < n; ++r) {
        feature.Reset();
        if (d.wkb) {
            OGRGeometry* g = nullptr;
            const auto& w = (*d.wkb)[r];
            if (OGRGeometryFactory::createFromWkb(w.data(), nullptr, &g, w.size()) != OGRERR_NONE)
                fail(fmt::format("feature {}: bad geometry", r + 1));
            if (d.geometry_type == wkbMultiPolygon &&
                wkbFlatten(g->getGeometryType()) == wkbPolygon)
                g = OGRGeometryFactory::forceToMultiPolygon(g);
            feature.SetGeometryDirectly(g);
        } else if (d.x) {
            feature.SetGeometryDirectly(new OGRPoint{(*d.x)[r], (*d.y)[r]});
        }
        for (std::size_t c = 0; c < d.columns.size(); ++c)
            set_field(feature, static_cast<int>(c), d.columns[c], r);
        feature.SetFID(OGRNullFID);
        if (layer->CreateFeature(&feature) != OGRERR_NONE)
            fail(fmt::format("cannot write feature {}", r + 1));
    }
    if (m_ds->CommitTransaction() != OGRERR_NONE) fail("commit failed");
}

void GpkgWriter::set_metadata(const std::string& key, const std::string& value) {
    GdalErrorScope errors;
    const std::string text = valid_utf8(value) ? value : cp1252_to_utf8(value);
    if (m_ds->SetMetadataItem(key.c_str(), text.c_str()) != CE_None)
        throw IoError{fmt::format("{}: cannot write metadata '{}': {}", m_path.string(), key,
                                  errors.last_error())};
}

void GpkgWriter::close() {
    if (m_closed) return;
    GdalErrorScope errors;
    CPLErrorReset();
    m_ds.reset(); // GDALClose flushes the GeoPackage; 3.6 reports failure only via CPLError
    m_closed = true;
    CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE", m_had_cache ? m_old_cache.c_str() : nullptr);
    if (CPLGetLastErrorType() >= CE_Failure)
        throw IoError{fmt::format("{}: closing failed: {}", m_tmp.string(), errors.last_error())};
}

void GpkgWriter::finish() {
    close();
    check_can_write(m_path, m_overwrite); // someone may have created it meanwhile
    std::error_code ec;
    fs::rename(m_tmp, m_path, ec);
    if (ec)
        throw IoError{fmt::format("{}: cannot rename {} into place: {}", m_path.string(),
                                  m_tmp.string(), ec.message())};
    m_done = true;
}

} // namespace vigia::io
