#include "engine/city_writer.hpp"

#include "engine/labels.hpp"
#include "engine/publish.hpp"
#include "engine/run_info.hpp"
#include "engine/stage.hpp"
#include "io/raster.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <unistd.h>

namespace vigia::engine {

namespace {

/// A temporary file beside the target, removed unless released.
struct TempFile {
    std::filesystem::path path;
    bool keep = false;
    TempFile() = default;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ec;
        if (!keep && !path.empty()) std::filesystem::remove(path, ec);
    }
};

} // namespace

CityFiles::CityFiles(CityFiles&& o) noexcept
    : full{std::move(o.full)}, pub{std::move(o.pub)}, tif_tmp{std::move(o.tif_tmp)},
      tif_final{std::move(o.tif_final)}, png_tmp{std::move(o.png_tmp)}, png_final{std::move(
                                                                            o.png_final)},
      pictures{std::move(o.pictures)}, overwrite{o.overwrite}, m_committed{o.m_committed} {
    o.tif_tmp.clear();
    o.png_tmp.clear();
    o.pictures.clear();
    o.m_committed = true;
}

CityFiles::~CityFiles() {
    std::error_code ec;
    if (!m_committed && !tif_tmp.empty()) std::filesystem::remove(tif_tmp, ec);
    if (!m_committed && !png_tmp.empty()) std::filesystem::remove(png_tmp, ec);
    for (const auto& [tmp, final] : pictures)
        if (!m_committed) std::filesystem::remove(tmp, ec);
}

void CityFiles::commit() {
    if (m_committed) return;
    // Every target checked before any is replaced, so a city is never left half in place.
    const auto final_tif = full->path().parent_path() / tif_final;
    std::vector<std::filesystem::path> targets{full->path()};
    if (pub) targets.push_back(pub->path());
    if (!tif_tmp.empty()) targets.push_back(final_tif);
    if (!png_tmp.empty()) targets.push_back(png_final);
    for (const auto& [tmp, final] : pictures)
        targets.push_back(final);
    for (const auto& t : targets) {
        io::check_can_write(t, overwrite);
        std::error_code ec;
        if (std::filesystem::is_directory(t, ec))
            throw IoError{fmt::format("{}: is a folder; cannot write the file there", t.string())};
    }
    full->finish();
    if (pub) pub->finish();
    const auto stale_public =
        full->path().parent_path() / (full->path().stem().string() + "_public.gpkg");
    if (!pub && overwrite) { // no [publish] this time: an old shareable copy would be stale
        std::error_code ec;
        std::filesystem::remove(stale_public, ec);
    }
    if (tif_tmp.empty()) { // no raster this time: an old one would contradict the new file
        std::error_code ec;
        std::filesystem::remove(final_tif, ec);
    } else {
        io::check_can_write(final_tif, overwrite);
        std::error_code ec;
        std::filesystem::rename(tif_tmp, final_tif, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot rename into place: {}", final_tif.string(), ec.message())};
    }
    if (!png_tmp.empty()) {
        io::check_can_write(png_final, overwrite);
        std::error_code ec;
        std::filesystem::rename(png_tmp, png_final, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot rename into place: {}", png_final.string(), ec.message())};
    }
    for (const auto& [tmp, final] : pictures) {
        std::error_code ec;
        std::filesystem::rename(tmp, final, ec);
        if (ec)
            throw IoError{
                fmt::format("{}: cannot rename into place: {}", final.string(), ec.message())};
    }
    m_committed = true;
}

CityFiles write_city(CityContext& ctx, LayerSink& sink, const std::filesystem::path& path,
                     const std::filesystem::path& public_path, bool overwrite,
                     const io::ProgressFn& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    CityFiles files;
    files.overwrite = overwrite;
    files.full = std::make_unique<io::GpkgWriter>(path, overwrite);
    if (!public_path.empty()) files.pub = std::make_unique<io::GpkgWriter>(public_path, overwrite);
    const double min_count = ctx.manifest->publish.min_count;
    Publication publication{min_count, {}};
    if (min_count > 0)
        for (const CityStat& m : ctx.metrics)
            if (m.metric == "incidents" && m.category != "all" && m.value > 0 &&
                m.value < min_count)
                publication.small_categories.insert(m.category);

    // One layer to both files: the shareable copy by the layer's declaration.
    auto write = [&](io::LayerData& d) {
        const LayerDecl* decl = sink.registry().find(d.name);
        order_columns(d, *decl);
        d.title = layer_title(ctx.manifest->analysis.language, d.name, ctx.city->name);
        files.full->write(d);
        if (!files.pub || decl->is_private) return;
        if (const io::LayerData* given = sink.public_of(d.name)) {
            io::LayerData p = *given;
            order_columns(p, *decl);
            p.title = d.title;
            p.srs = d.srs;
            p.geometry_type = d.geometry_type;
            files.pub->write(p);
        } else {
            std::vector<analysis::Wkb> geom;
            files.pub->write(public_copy(d, *decl, publication, geom));
        }
    };
    std::vector<io::LayerData*> layers = sink.ordered();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        write(*layers[i]);
        if (progress) progress(static_cast<double>(i + 1) / static_cast<double>(layers.size() + 1));
    }
    TempFile tif;
    if (ctx.hotspots && ctx.hotspots->kde) {
        // The raster beside the GeoPackage, renamed into place together with it.
        tif.path = path.parent_path() / fmt::format(".{}_kde.partial-{}.tif", ctx.city->slug,
                                                    static_cast<long>(getpid()));
        std::vector<io::Band> bands{{"incidents per km2", 1.0}};
        if (ctx.years > 0) bands.push_back({"incidents per km2 per year", 1.0 / ctx.years});
        io::write_geotiff(tif.path, *ctx.hotspots->kde, *ctx.target, bands);
    }
    {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        io::LayerData& d = sink.layer("run_info");
        d.description = describe(ctx, "run_info");
        std::vector<std::string> keys, values;
        for (auto& [k, v] : run_info(ctx, secs)) {
            // The same parameters in the GeoPackage's own metadata, where QGIS shows them.
            files.full->set_metadata("vigia_" + k, v);
            if (files.pub)
                if (auto pv = public_info(k, v, min_count))
                    files.pub->set_metadata("vigia_" + k, *pv);
            keys.push_back(std::move(k));
            values.push_back(std::move(v));
        }
        sink.column("run_info", {"key", std::move(keys)});
        sink.column("run_info", {"value", std::move(values)});
        write(d);
        if (progress) progress(1.0);
    }
    // Closed in the reverse order of opening: each writer restores the SQLite cache setting
    // it found.
    if (files.pub) files.pub->close();
    files.full->close();
    files.tif_final = ctx.city->slug + "_kde.tif";
    if (!tif.path.empty()) {
        files.tif_tmp = tif.path;
        tif.keep = true; // now the CityFiles' to rename or remove
    }
    return files;
}

} // namespace vigia::engine
